"""Trigram indexes for the searches of the feedback list and the communication log,
on PostgreSQL only (``core.postgres``): ``icontains`` on these columns reads them."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.postgres import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_submission_key"),
    ]

    operations = [
        TrigramExtension(),
        trigram_index("feedback_feedbackitem", "subject"),
        trigram_index("feedback_feedbackitem", "description"),
        trigram_index("feedback_feedbackitem", "sender_name"),
        trigram_index("feedback_feedbackitem", "sender_email"),
        trigram_index("feedback_communication", "summary"),
        trigram_index("feedback_communication", "details"),
    ]
