import pytest
from django.core.files.base import ContentFile

from core.files import private_file_url
from core.roles import Role
from tests.factories import UserFactory, WidgetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    widget = WidgetFactory()
    widget.attachment.save("report.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    return widget


def test_a_private_file_downloads_as_an_attachment_for_a_reader_with_permission(client, widget):
    client.force_login(UserFactory(role=Role.AUDITOR))

    response = client.get(private_file_url(widget, "attachment"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="report' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_private_file_is_refused_without_the_permission_and_without_login(client, widget):
    url = private_file_url(widget, "attachment")

    anonymous = client.get(url)
    client.force_login(UserFactory())
    no_role = client.get(url)

    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert no_role.status_code == 403


def test_only_private_file_fields_are_served(client, widget):
    client.force_login(UserFactory(role=Role.AUDITOR))
    base = f"/files/testapp/widget/{widget.pk}"

    assert client.get(f"{base}/public_file/").status_code == 404
    assert client.get(f"{base}/name/").status_code == 404
    assert client.get(f"/files/testapp/nothing/{widget.pk}/attachment/").status_code == 404
    assert client.get("/files/testapp/widget/999999/attachment/").status_code == 404


def test_private_files_have_no_public_url(widget):
    with pytest.raises(ValueError, match="no public URL"):
        _ = widget.attachment.url
