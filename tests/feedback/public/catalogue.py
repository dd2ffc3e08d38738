"""Reading a gettext catalogue (.po) and finding English left in a rendered page."""

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def files(self) -> set[str]:
        return {reference.rsplit(":", 1)[0] for reference in self.references}

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def read_po(path: Path) -> list[Entry]:
    """Return the entries of a .po file (the header left out)."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, last = Entry(), ("msgid", 0)
        for line in block.splitlines():
            if line.startswith("#:"):
                entry.references += line[2:].split()
            elif line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("msgid_plural "):
                entry.plural, last = ast.literal_eval(line[13:]), ("plural", 0)
            elif line.startswith("msgid "):
                entry.msgid, last = ast.literal_eval(line[6:]), ("msgid", 0)
            elif line.startswith("msgstr"):
                index = int(line[7]) if line.startswith("msgstr[") else 0
                entry.msgstr[index] = ast.literal_eval(line.split(" ", 1)[1])
                last = ("msgstr", index)
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if last[0] == "msgstr":
                    entry.msgstr[last[1]] += value
                elif last[0] == "plural":
                    entry.plural = (entry.plural or "") + value
                else:
                    entry.msgid += value
        if entry.msgid:
            entries.append(entry)
    return entries


class _Text(HTMLParser):
    """The text a person sees or hears: the body's text and the labelling attributes."""

    SPOKEN = ("title", "aria-label", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        self.parts += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


# Two or more English words in a row: what an untranslated sentence leaves behind.
_RUN = re.compile(r"[A-Za-z]+(?:[ \t,;:'\u2019-]+[A-Za-z]+)+")


def english_left(text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """Return the runs of two or more English words in the text, once URLs, email
    addresses, references, acronyms (PDF, JPEG) and the ``allowed`` strings (the
    organisation's name, data the test entered) are taken out."""
    for value in sorted(allowed, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"(?:https?://|/)\S+", " ", text)
    text = re.sub(r"\S+@\S+", " ", text)
    text = re.sub(r"\bFB-\d+", " ", text)
    text = re.sub(r"\b[A-Z]{2,}\b", " ", text)
    return [run for run in _RUN.findall(text) if run.strip()]
