"""Versioned records (7.5, 8.2.4): which fields make a new version, declared once.

A model that keeps versions declares ``VERSIONED = VersionedFields(...)`` naming the
fields that its version model copies. The service that saves an edit asks
``changed()`` whether anything versioned changed, ``values()`` gives the copy for the
new version row, and ``diff()`` puts two version rows side by side, with each field's
label and display read from the version model itself.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.utils.text import capfirst

from core.params import positive_int


@dataclass(frozen=True)
class DiffRow:
    label: Any
    old: Any
    new: Any

    @property
    def changed(self) -> bool:
        return self.old != self.new


class VersionedFields:
    """The fields whose change makes a new version.

    ``names`` are fields of both the record and its version model; ``extra`` are
    fields of the version model alone, filled by the service (what a commitment
    carries, say); ``display`` overrides how a field reads on the comparison.
    """

    def __init__(
        self,
        *names: str,
        extra: Sequence[str] = (),
        display: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self.names = tuple(names)
        self.extra = tuple(extra)
        self.display = dict(display or {})

    def _attname(self, model: type[models.Model], name: str) -> str:
        return model._meta.get_field(name).attname  # type: ignore[union-attr]

    def changed(self, record: models.Model, stored: models.Model) -> list[str]:
        """Return the versioned fields whose values differ between the two."""
        attnames = [self._attname(type(record), name) for name in self.names]
        return [name for name in attnames if getattr(record, name) != getattr(stored, name)]

    def values(self, record: models.Model) -> dict[str, Any]:
        """Return the versioned values of the record, keyed for its version model."""
        attnames = [self._attname(type(record), name) for name in self.names]
        return {name: getattr(record, name) for name in attnames}

    def _show(self, version: models.Model, name: str) -> Any:
        if name in self.display:
            return self.display[name](version)
        field: Any = version._meta.get_field(name)
        value = getattr(version, name)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, date):
            return value.isoformat()
        return "" if value is None else str(value)

    def diff(self, version_model: type[models.Model], old: Any, new: Any) -> list[DiffRow]:
        """Return the rows of two versions side by side; ``old`` may be None."""
        rows = []
        for name in (*self.names, *self.extra):
            label = capfirst(version_model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            old_value = self._show(old, name) if old is not None else ""
            rows.append(DiffRow(label, old_value, self._show(new, name)))
        return rows


def pick_versions(versions: list[Any], a: str | None, b: str | None) -> tuple[Any, Any]:
    """Return the two versions to compare: those asked for, else the last two."""
    by_number = {v.number: v for v in versions}
    numbers = sorted(by_number)

    def pick(value: str | None, default: int | None) -> Any:
        number = positive_int(value)
        if number in by_number:
            return by_number[number]
        return by_number.get(default) if default is not None else None

    newest = numbers[-1] if numbers else None
    previous = numbers[-2] if len(numbers) > 1 else None
    old, new = pick(a, previous), pick(b, newest)
    if old is not None and new is not None and old.number > new.number:
        old, new = new, old
    return old, new
