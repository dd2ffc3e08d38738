"""Fixtures of the public feedback pages: links, a valid post, private media in a
folder of the test's own."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.complaints.links import link_create
from feedback.models import FeedbackLink
from tests.factories import ContactFactory

FORM_URL = "/p/feedback/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Store uploads in this test's folder, so a test can see that none is left."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def complaint(**changes: Any) -> dict[str, Any]:
    """Return a valid post of the anonymous form, with the given changes."""
    return {
        "kind": "complaint",
        "description": "The pump arrived with a cracked housing.",
        "subject": "Cracked pump",
        "name": "Asha Verma",
        "email": "asha@example.in",
        "website": "",
        **changes,
    }


@pytest.fixture
def form_link(db: None) -> Callable[..., tuple[FeedbackLink, str]]:
    """Return a function that makes a form link for a contact: (link, token)."""

    def make(**contact: Any) -> tuple[FeedbackLink, str]:
        person: Any = ContactFactory(**contact)
        return link_create(purpose=FeedbackLink.Purpose.FORM, contact=person)

    return make
