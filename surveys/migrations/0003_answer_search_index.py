"""A trigram index for the responses' search of free-text answers, on PostgreSQL only
(``core.postgres``): ``icontains`` on the answers' text reads it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.postgres import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_design"),
    ]

    operations = [
        TrigramExtension(),
        trigram_index("surveys_answer", "text"),
    ]
