"""Fixtures of the customer register's tests: a signed-in quality manager, private
media in a temporary folder, and the upload helper the import and export tests use."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import ImportJob

CONTACT_HEADER = "customer,name,email,phone,language,consent,consent_on,opted_out\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def upload(client, text, *, kind="contacts", name="contacts.csv", encoding="utf-8", choose=None):
    """Upload a CSV file through the import page; return the response and the job.

    ``encoding`` writes the text; ``choose`` is the encoding picked on the form (none:
    the form's default, UTF-8).
    """
    data = text.encode(encoding) if isinstance(text, str) else text
    fields = {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if choose is not None:
        fields["encoding"] = choose
    response = client.post(reverse("customers:import_start"), fields)
    return response, ImportJob.objects.order_by("-pk").first()
