"""Trigram indexes for the communication log's search of the emails sent, on
PostgreSQL only (``core.postgres``): ``icontains`` on these columns reads them."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.postgres import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_email_recipient_lower_case"),
    ]

    operations = [
        TrigramExtension(),
        trigram_index("core_outboundemail", "subject"),
        trigram_index("core_outboundemail", "recipient"),
    ]
