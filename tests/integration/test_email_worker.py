"""The email helper end to end: a real worker, real SMTP servers on 127.0.0.1."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from core.email import email_queue, emails_retry_due
from core.models import OutboundEmail
from tests.factories import WidgetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


class Refuser:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.7.1 Relaying denied"


@pytest.fixture
def smtp_server(settings):
    servers = []

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return controller

    yield start
    for controller in servers:
        controller.stop()


def queue_notice(widget):
    return email_queue(
        to="ann@example.com",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Ann", "widget": widget, "link": "https://x.example/1"},
        related=widget,
    )


def test_a_real_worker_sends_a_recorded_email_through_the_backend(celery_worker, wait_for):
    email = queue_notice(WidgetFactory(name="Pump"))

    wait_for(
        lambda: OutboundEmail.objects.filter(pk=email.pk, state="sent").exists(),
        what="the worker to send the email",
    )
    assert [m.subject for m in mail.outbox] == ["Widget Pump needs a look"]


def test_a_real_worker_sends_to_an_smtp_server(celery_worker, wait_for, smtp_server):
    sink = Sink()
    smtp_server(sink)

    email = queue_notice(WidgetFactory(name="Valve"))

    sent = wait_for(
        lambda: OutboundEmail.objects.filter(pk=email.pk, state="sent").first(), what="sent"
    )
    assert len(sink.messages) == 1
    assert sink.messages[0].rcpt_tos == ["ann@example.com"]
    assert sent.message_id.encode() in sink.messages[0].content


def test_a_refusing_smtp_server_is_retried_by_the_beat_job_until_failed(
    celery_worker, wait_for, smtp_server, settings
):
    smtp_server(Refuser())
    settings.EMAIL_RETRY_DELAYS = [0, 0]
    email = queue_notice(WidgetFactory())

    def attempts_reach(count):
        row = OutboundEmail.objects.get(pk=email.pk)
        return row if row.attempts >= count and row.state != "sending" else None

    first = wait_for(lambda: attempts_reach(1), what="the first attempt")
    assert first.state == "queued"
    assert "Relaying denied" in first.last_error
    emails_retry_due()
    wait_for(lambda: attempts_reach(2), what="the second attempt")
    emails_retry_due()
    final = wait_for(lambda: attempts_reach(3), what="the third attempt")

    assert final.state == "failed"
    assert final.failed_at is not None
    assert "550" in final.last_error
    assert "Relaying denied" in final.last_error
