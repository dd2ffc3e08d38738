from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core import email as email_helper
from core.email import REDACTED, email_batch_send, email_queue, emails_retry_due
from core.history import system_actor
from core.models import OutboundEmail
from tests.factories import WidgetFactory

pytestmark = pytest.mark.django_db

LINK = "https://qms.example.com/s/secret-token-123/"


class RefusingBackend:
    """An email backend whose server says no."""

    def __init__(self, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("550 relaying denied")


def send_notice(widget, **options):
    return email_queue(
        to="ann@example.com",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Ann", "widget": widget, "link": LINK},
        related=widget,
        **options,
    )


def test_email_send_renders_the_templates_and_records_a_queued_row(quality_manager):
    widget = WidgetFactory(name="Pump <b>")

    email = send_notice(widget, by=quality_manager)

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.QUEUED
    assert email.subject == "Widget Pump <b> needs a look"
    assert email.body_text == f"Hello Ann, widget Pump <b> needs a look: {LINK}\n"
    assert "<b>Pump &lt;b&gt;</b>" in email.body_html
    assert email.related == widget
    assert (email.created_by, email.language, email.attempts) == (quality_manager, "en", 0)


def test_the_worker_is_rung_only_after_the_transaction_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    rung = []
    monkeypatch.setattr(email_helper, "ring_for_batch", rung.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = send_notice(WidgetFactory())
        assert rung == []

    assert len(callbacks) == 1
    assert rung == [[email.pk]]


def test_an_email_queued_by_a_task_names_the_task():
    with system_actor("task surveys.tasks.send_invitations"):
        email = send_notice(WidgetFactory())

    assert email.created_by is None
    assert email.created_actor == "task surveys.tasks.send_invitations"


def test_sending_records_sent_state_message_id_and_redacts_secret_links():
    email = send_notice(WidgetFactory(), secrets=[LINK])

    counts = email_batch_send(email_ids=[email.pk])

    email.refresh_from_db()
    assert counts["sent"] == 1
    assert email.state == OutboundEmail.State.SENT
    assert email.sent_at is not None
    assert email.message_id.startswith("<")
    assert email.message_id.endswith(">")
    assert LINK not in email.body_text + email.body_html
    assert REDACTED in email.body_text
    assert email.secrets == []
    sent = mail.outbox[0]
    assert LINK in sent.body
    assert sent.extra_headers["Message-ID"] == email.message_id


def test_secret_links_stay_when_the_log_keeps_links():
    email = send_notice(WidgetFactory(), secrets=[LINK], keep_secrets=True)

    email_batch_send(email_ids=[email.pk])

    email.refresh_from_db()
    assert LINK in email.body_text


def test_a_second_send_of_the_same_row_sends_nothing():
    email = send_notice(WidgetFactory())

    email_batch_send(email_ids=[email.pk])
    counts = email_batch_send(email_ids=[email.pk])

    assert counts == {"sent": 0, "retry": 0, "failed": 0, "skipped": 1}
    assert len(mail.outbox) == 1


def test_a_refused_send_is_retried_with_backoff_then_fails_with_the_reason(settings):
    settings.EMAIL_BACKEND = "tests.core.test_email.RefusingBackend"
    settings.EMAIL_RETRY_DELAYS = [60, 300]
    email = send_notice(WidgetFactory(), secrets=[LINK])
    start = timezone.now()

    with time_machine.travel(start, tick=False) as traveller:
        assert email_batch_send(email_ids=[email.pk])["retry"] == 1
        email.refresh_from_db()
        assert (email.state, email.attempts) == ("queued", 1)
        assert email.next_attempt_at == start + timedelta(seconds=60)
        assert "550 relaying denied" in email.last_error

        # Not due yet: the retry job leaves it alone.
        assert emails_retry_due() == 0
        traveller.shift(timedelta(seconds=61))
        assert email_batch_send(email_ids=[email.pk])["retry"] == 1
        email.refresh_from_db()
        assert email.next_attempt_at == start + timedelta(seconds=61 + 300)

        traveller.shift(timedelta(seconds=301))
        assert email_batch_send(email_ids=[email.pk])["failed"] == 1

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 3)
    assert email.failed_at is not None
    assert email.last_error == "ConnectionRefusedError: 550 relaying denied"
    assert LINK not in email.body_text
    assert mail.outbox == []


def test_the_retry_job_reclaims_a_row_whose_worker_died_and_rings_again(monkeypatch):
    rung = []
    monkeypatch.setattr(email_helper, "ring_for_batch", rung.append)
    email = send_notice(WidgetFactory())
    OutboundEmail.objects.filter(pk=email.pk).update(
        state="sending", claimed_until=timezone.now() - timedelta(seconds=1), attempts=1
    )

    assert emails_retry_due() == 1

    email.refresh_from_db()
    assert email.state == "queued"
    assert rung == [[email.pk]]


def test_the_retry_job_sends_in_chunks(monkeypatch):
    rung = []
    monkeypatch.setattr(email_helper, "ring_for_batch", rung.append)
    monkeypatch.setattr(email_helper, "CHUNK_SIZE", 2)
    widget = WidgetFactory()
    for _ in range(5):
        send_notice(widget)

    assert emails_retry_due() == 5
    assert [len(chunk) for chunk in rung] == [2, 2, 1]


def test_old_bodies_are_purged_and_the_rows_kept(settings):
    settings.EMAIL_BODY_RETENTION_DAYS = 30
    old = send_notice(WidgetFactory())
    email_batch_send(email_ids=[old.pk])
    OutboundEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = send_notice(WidgetFactory())

    assert email_helper.emails_purge_bodies() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.body_text, old.body_html, old.state) == ("", "", "sent")
    assert recent.body_text


def test_the_recipient_is_stored_in_lower_case_as_contacts_addresses_are():
    email = email_queue(
        to=" Ann.Lee@Example.COM ",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Ann", "widget": WidgetFactory(), "link": LINK},
    )

    email.refresh_from_db()
    assert email.recipient == "ann.lee@example.com"
