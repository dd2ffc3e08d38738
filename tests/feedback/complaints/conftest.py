import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import Role
from tests.factories import UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.QUALITY_MANAGER)


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.STAFF)


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")
