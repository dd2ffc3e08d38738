"""What importing a file would do: the plan a check makes and the writer carries out."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

MAX_REPORTED = 200


@dataclass
class Plan:
    """What importing a file would do."""

    kind: str
    total: int = 0
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    segment_links: dict[int, list[int]] = field(default_factory=dict)
    # Looked up once: choice labels are matched in the language of the request.
    language: str = field(default_factory=lambda: get_language() or "en")

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def preview(self) -> dict[str, Any]:
        return {
            "counts": {
                "rows": self.total,
                "create": len(self.creates),
                "update": len(self.updates),
                "unchanged": self.unchanged,
                "skip": len(self.skipped),
                "errors": len(self.errors),
            },
            "errors": self.errors[:MAX_REPORTED],
            "more_errors": max(0, len(self.errors) - MAX_REPORTED),
            "skipped": self.skipped[:MAX_REPORTED],
            "sample": self.sample[:20],
        }


def columns_present(
    values: dict[str, Any], row: dict[str, str], fields: dict[str, list[str]]
) -> dict[str, Any]:
    """Keep the values whose columns the file has: an update leaves the others alone."""
    kept = {field for column, names in fields.items() if column in row for field in names}
    return {name: value for name, value in values.items() if name in kept}
