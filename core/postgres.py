"""What the schema has on PostgreSQL only: trigram indexes for the searches.

The searches match a part of a name anywhere in it (``icontains``, which Django
writes on PostgreSQL as ``UPPER(col::text) LIKE UPPER('%text%')``). A btree index
cannot answer a pattern that starts with ``%``; a GIN index of the trigrams of
``UPPER(col)`` (the ``pg_trgm`` extension) answers exactly that expression. SQLite
has no such index and reads the table, which at the embedded default's sizes is fast.

The indexes are migration operations, not ``Meta.indexes``: Django would create a
model's declared GIN index on SQLite too. ``makemigrations`` does not see them, so it
stays clean.
"""

from typing import Any

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL and does nothing elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return "Raw SQL operation, on PostgreSQL only"


def trigram_index(table: str, column: str) -> PostgreSQLOnly:
    """Return the operation that adds a trigram index on ``UPPER(column)`` of
    ``table``, named ``<table>_<column>_trgm``, which ``icontains`` searches use."""
    name = f"{table}_{column}_trgm"
    # Table and column names of this project's migrations, never input.
    return PostgreSQLOnly(
        sql=f'CREATE INDEX "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )
