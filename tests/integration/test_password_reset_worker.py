"""The reset page and a real worker: the page rings, the worker queues the email."""

import pytest

from core.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_queues_the_reset_email_the_page_asked_for(client, celery_worker, wait_for):
    user = UserFactory(email="ann@example.com")

    response = client.post("/accounts/password/reset/", {"email": "ann@example.com"})

    assert response.status_code == 302
    email = wait_for(
        lambda: OutboundEmail.objects.filter(purpose="password_reset").first(),
        what="the reset email",
    )
    assert (email.recipient, email.related) == ("ann@example.com", user)
