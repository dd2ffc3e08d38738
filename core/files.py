"""Private media: uploads are served only through a permission-checked view.

A ``PrivateFileField`` stores under ``MEDIA_ROOT`` with no public URL; pages link to
``private_file_url(record, field)``, whose view checks the reader's view permission
on the record's model and answers with ``Content-Disposition: attachment``.
"""

from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT, with no URL: nothing in it is reachable except through the view."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL: use private_file_url().")


private_storage = PrivateStorage()


class PrivateFileField(models.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["storage"] = private_storage
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        return name, path, args, kwargs


def private_file_url(record: models.Model, field_name: str) -> str:
    meta = record._meta
    return reverse(
        "private_file",
        kwargs={
            "app_label": meta.app_label,
            "model_name": meta.model_name,
            "pk": record.pk,
            "field_name": field_name,
        },
    )
