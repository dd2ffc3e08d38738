"""The feedback list's and the communication log's searches are answered by trigram
indexes on PostgreSQL (``core.postgres``; the list of every such index is in
tests/customers/test_indexes.py)."""

import pytest

from core.models import OutboundEmail
from feedback.communication.selectors import communications_matching
from feedback.complaints.selectors import feedbacks_matching
from feedback.models import Communication, FeedbackItem
from tests.customers.test_indexes import plan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_feedback_search_reads_its_own_columns_and_the_named_people_from_indexes():
    found = plan(feedbacks_matching("lotus", FeedbackItem.objects.all()))

    for column in ("subject", "description", "sender_name", "sender_email"):
        assert f"Bitmap Index Scan on feedback_feedbackitem_{column}_trgm" in found
    # Customers and contacts are matched by their own indexes, not joined.
    assert "customers_customer_name_trgm" in found
    assert "customers_contact_email_trgm" in found
    assert "Join" not in found


def test_the_logs_search_reads_communications_and_emails_from_indexes():
    communications = plan(communications_matching("lotus", Communication.objects.all()))
    emails = plan(
        OutboundEmail.objects.filter(subject__icontains="lotus")
        | OutboundEmail.objects.filter(recipient__icontains="lotus")
    )

    assert "feedback_communication_summary_trgm" in communications
    assert "feedback_communication_details_trgm" in communications
    assert "core_outboundemail_subject_trgm" in emails
    assert "core_outboundemail_recipient_trgm" in emails
