"""Indexes that page the invitation and response lists newest first (the benchmark
``bench/surveys_scale.py``): without them each list page sorts every row.

``RunSQL`` rather than ``Meta.indexes``: this change may not touch the models (they
are being changed in parallel); moving them to ``Meta.indexes`` later with
``SeparateDatabaseAndState`` keeps the same names.
"""

from django.db import migrations

INDEXES = {
    "surveys_invitation_created": ("surveys_invitation", '"created_at" DESC, "id" DESC'),
    "surveys_response_started": ("surveys_response", '"started_at" DESC, "id" DESC'),
}


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_design_fixes"),
    ]

    operations = [
        # Names and columns of this migration, never input.
        migrations.RunSQL(
            sql=f'CREATE INDEX "{name}" ON "{table}" ({columns})',
            reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
        )
        for name, (table, columns) in INDEXES.items()
    ]
