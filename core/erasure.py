"""Erasing a person from text that mentions them: what they were called, and what
replaces it wherever it is written.

An erasure pseudonymises the person's own fields and history rows directly. These
helpers reach the text that only mentions them: the admin's log of actions, email
subjects and bodies, the previews of imports. Matching is by what the person was
called (every name, address and phone number their history holds), as whole words
and ignoring case, so a mention of someone else of the same name is replaced too: an
erasure errs on the side of erasing.
"""

import json
import re
from typing import Any

from django.utils.html import escape

# What replaces an identifier that has no pseudonym of its own (a phone number).
ERASED = "[erased]"
# Shorter identifiers (an initial, a two-digit extension) would match nearly any text.
MIN_LENGTH = 3
# A part of a name: a word of letters, at least MIN_LENGTH long.
NAME_PART = re.compile(rf"[^\W\d_]{{{MIN_LENGTH},}}")


class Pseudonyms:
    """What a person was called, each with what replaces it in text."""

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements: dict[str, str] = {}
        self._written: set[str] = set()
        for written, replacement in replacements.items():
            identifier = (written or "").strip()
            if len(identifier) >= MIN_LENGTH:
                self._written.add(identifier)
                self.replacements[identifier.lower()] = replacement
                # As an HTML body writes it ("O&#x27;Brien").
                self.replacements.setdefault(escape(identifier).lower(), replacement)
        # The longest first, so that an address is replaced whole before a name in it.
        alternatives = sorted(self.replacements, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    def with_name_parts(self) -> "Pseudonyms":
        """Return these pseudonyms with each part of every name as well ("Quixworth" of
        "Zorabella Quixworth"), each replaced as the whole name is.

        Only for text that belongs to the person (what they wrote, records about them):
        elsewhere a surname is often part of a company's or someone else's name, so
        the global scrub keeps matching whole identifiers.
        """
        replacements = {written: self.replacements[written.lower()] for written in self._written}
        for written, replacement in list(replacements.items()):
            if "@" in written or any(ch.isdigit() for ch in written):
                continue  # an address or a phone number, not a name
            for part in NAME_PART.findall(written):
                replacements.setdefault(part, replacement)
        return Pseudonyms(replacements)

    @property
    def identifiers(self) -> list[str]:
        """Return what the person was called, as written and in lower case (SQLite
        ignores case in ASCII letters only), for a query to find the rows to scrub."""
        return sorted(self._written | set(self.replacements))

    def found_in(self, text: str) -> bool:
        """Return whether the text mentions the person."""
        return bool(self._pattern and text and self._pattern.search(text))

    def scrub(self, text: str) -> str:
        """Return the text with every mention of the person replaced."""
        if not self._pattern or not text:
            return text
        return self._pattern.sub(
            lambda match: self.replacements.get(match.group(0).lower(), ERASED), text
        )

    def scrub_json(self, value: Any) -> Any:
        """Return a JSON value (a preview, a change message) with every string scrubbed."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub_json(item) for key, item in value.items()}
        return value

    def json_mentions(self, value: Any) -> bool:
        """Return whether any string in a JSON value mentions the person."""
        return self.found_in(json.dumps(value, ensure_ascii=False))

    def scrub_json_text(self, text: str) -> str:
        """Return JSON stored as text (escaped as ``json.dumps`` writes it) scrubbed; text
        that is not JSON is scrubbed as it is."""
        try:
            value = json.loads(text)
        except ValueError:
            return self.scrub(text)
        return json.dumps(self.scrub_json(value))
