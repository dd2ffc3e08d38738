"""The demo feedback tells one story: each step at its own date, by the item's owner,
with the acknowledgement emails it says were sent."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboundEmail
from customers.models import Customer
from feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db


def test_the_demo_history_emails_and_customers_agree_with_the_records_dates():
    call_command("load_demo", force=True)
    items = FeedbackItem.objects.filter(subject="Invoice charged twice")
    item = items.get()
    assert item.closed_at < timezone.now() - timedelta(days=80)
    dates = list(item.history.values_list("history_date", flat=True))
    assert max(dates) == item.closed_at
    assert min(dates) >= item.received_at
    assert set(item.history.values_list("history_user", flat=True)) == {item.owner_id}
    emails = OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(FeedbackItem), object_id=str(item.pk)
    )
    acknowledgement = emails.get(purpose="feedback acknowledgement")
    assert acknowledgement.created_at == item.acknowledged_at
    assert emails.get(purpose="feedback decision").created_at == item.responded_at
    assert item.customer.created_at < item.received_at
    assert not Customer.objects.filter(created_at__gt=timezone.now() - timedelta(days=300)).exists()
    count = FeedbackItem.objects.count()
    call_command("load_demo", force=True)
    assert FeedbackItem.objects.count() == count
