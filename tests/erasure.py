"""Search every table and every stored file for what an erased person was called.

``places_holding(*needles)`` reads every table of the database (each model's, the
history and many-to-many tables, Django's own such as the admin log and sessions,
and any table no model knows) and every file under ``MEDIA_ROOT``, plus the storage
registered in ``core.registries.personal_data``, and returns each place a needle is
found: nothing is listed by hand, so a new app's tables are searched as soon as they
exist. A place the registry allows to keep what is found (the suppression list's
hash) is returned with why; a test asserts that nothing else is.

Case is ignored, and each needle is also looked for as JSON (``\\u00eb``) and HTML
(``&#x27;``) write it, and in files in UTF-8, UTF-16 and Windows-1252.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils.html import escape

from core.registries import personal_data

FILE_ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "cp1252"]


@dataclass(frozen=True)
class Found:
    where: str
    needle: str
    # Why the registry lets it stay; "" when it may not.
    kept: str = ""


def _variants(needle: str) -> set[str]:
    return {needle.lower(), json.dumps(needle)[1:-1].lower(), escape(needle).lower()}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (dict, list)):  # JSON, as PostgreSQL's driver returns it
        return json.dumps(value, ensure_ascii=False)
    return None  # numbers, dates, booleans: they hold no name


def table_texts() -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every text value in every table of the database."""
    models: dict[str, type[Model]] = {}
    for each in apps.get_models(include_auto_created=True):
        models.setdefault(each._meta.db_table, each)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            model = models.get(table)
            fields = {f.column: f for f in model._meta.concrete_fields} if model else {}
            pk = model._meta.pk.column if model else None
            # The table's name comes from the schema, quoted.
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608  # nosec B608
            columns = [column[0] for column in cursor.description]
            for number, row in enumerate(cursor.fetchall(), start=1):
                values = dict(zip(columns, row, strict=True))
                key = values.get(pk, number) if pk else number
                for column, value in values.items():
                    text = _text(value)
                    if not text:
                        continue
                    if model is not None and column in fields:
                        where = f"{model._meta.label}.{fields[column].name}"
                    else:
                        where = f"{table}.{column}"
                    yield f"{where} (row {key})", text


def file_texts() -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every stored file, read in each likely encoding."""
    root = Path(settings.MEDIA_ROOT)
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            data = path.read_bytes()
            for codec in FILE_ENCODINGS:
                yield (
                    f"file {path.relative_to(root)} ({codec})",
                    data.decode(codec, errors="replace"),
                )


def registered_texts() -> Iterator[tuple[str, str]]:
    """Yield (where, text) from the storage the registry says how to read."""
    for place in personal_data:
        if place.read is not None:
            yield from place.read()


def places_holding(*needles: str) -> list[Found]:
    """Return every place in the database and the stored files that holds a needle."""
    kept = {place.kept: str(place.why) for place in personal_data if place.kept}
    wanted = {needle: _variants(needle) for needle in needles}
    found = []
    for source in (table_texts(), file_texts(), registered_texts()):
        for where, text in source:
            lowered = text.lower()
            for needle, variants in wanted.items():
                if any(variant in lowered for variant in variants):
                    found.append(Found(where, needle, kept.get(where.split(" ")[0], "")))
    return found


def not_allowed(found: list[Found]) -> list[str]:
    """Return the places found that the registry does not allow to keep what they hold."""
    return [f"{item.where}: {item.needle!r}" for item in found if not item.kept]
