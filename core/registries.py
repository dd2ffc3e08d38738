"""Extension points that keep the app graph one-way.

A lower app's page shows a higher app's content through these registries; the higher
app fills them in its ``AppConfig.ready()``, so no lower app imports a higher one.

- ``navigation``: the main menu, each entry behind a permission.
- ``home_panels``: what the home page shows each role.
- ``customer_timeline``: sources of dated entries on a customer's page.
- ``record_actions``: buttons offered on a record's page ("raise an action").
- ``record_sections``: sections a higher app adds to a record's page (a contact's
  survey invitations), each a template with its own context.
- ``search``: the kinds of record the header search finds, each read by its app's
  own selector.
- ``choosers``: the kinds of record a form or a filter chooses by typing (customers,
  contacts, requirements, people), each searched by its app's own selector.
- ``personal_data``: what an erasure search must know beyond the plain text of the
  tables and stored files: a column allowed to keep something derived from a person
  (a hash), and storage it cannot read as plain text (encoded sessions).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode

T = TypeVar("T", bound="Entry")


@dataclass(frozen=True)
class Entry:
    key: str


class Registry(Generic[T]):
    """Entries by key, in the order they were registered; a key is registered once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        if entry.key in self._entries:
            raise ValueError(f"{entry.key!r} is already in the {self.name} registry")
        self._entries[entry.key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._entries.values(), key=lambda e: getattr(e, "order", 0)))

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, key: str) -> T:
        return self._entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self._entries


def _allowed(user: Any, permission: str | None) -> bool:
    return permission is None or user.has_perm(permission)


@dataclass(frozen=True)
class NavItem(Entry):
    label: "str | Promise"
    url_name: str
    permission: str | None = None
    order: int = 100
    description: "str | Promise" = ""
    # URL names of other pages that belong to this entry's part of the product.
    section_url_names: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def match_length(self, path: str) -> int:
        """Return how long a prefix of ``path`` this entry's pages share; 0 for none."""
        prefixes = [self.url, *(reverse(name) for name in self.section_url_names)]
        return max((len(prefix) for prefix in prefixes if path.startswith(prefix)), default=0)


@dataclass(frozen=True)
class HomePanel(Entry):
    """A card on the home page: its template gets the request's context."""

    title: "str | Promise"
    template: str
    permission: str | None = None
    order: int = 100
    context: Callable[[Any], dict[str, Any]] = field(default=lambda request: {})


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str
    title: str
    url: str = ""
    summary: str = ""
    actor: str = ""


@dataclass(frozen=True)
class TimelineSource(Entry):
    """Dated entries about one customer, read by a higher app's own selector."""

    label: "str | Promise"
    entries: Callable[[Any], Iterable[TimelineEntry]]
    permission: str | None = None


@dataclass(frozen=True)
class RecordAction(Entry):
    """A button on the page of a record of ``model`` ("app_label.model")."""

    label: "str | Promise"
    model: str
    url: Callable[[Any], str]
    permission: str | None = None
    applies: Callable[[Any], bool] = field(default=lambda record: True)
    order: int = 100


@dataclass(frozen=True)
class RecordSection(Entry):
    """A section of the page of a record of ``model`` ("app_label.model").

    ``context(record, user)`` is the higher app's read (its selector) of what
    ``template`` shows; it runs only for readers holding ``permission``.
    """

    model: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class SearchProvider(Entry):
    """A kind of record the header search finds.

    ``search(text)`` is the app's selector: the records that match, ordered as the
    results should show, with what ``title`` and ``summary`` read joined in (the
    search takes the first few, and counts them all, in one query). ``list_url_name``
    is the list page whose ``?q=`` search finds the same records, for "Show all".
    """

    label: "str | Promise"
    search: Callable[[str], QuerySet]
    list_url_name: str
    permission: str | None = None
    order: int = 100
    title: Callable[[Any], str] = str
    summary: Callable[[Any], str] = field(default=lambda record: "")
    query_param: str = "q"

    def list_url(self, text: str) -> str:
        return f"{reverse(self.list_url_name)}?{urlencode({self.query_param: text})}"


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    summary: str


@dataclass(frozen=True)
class SearchGroup:
    """One kind's results: the first few hits, how many match, the list of them all."""

    key: str
    label: "str | Promise"
    hits: list[SearchHit]
    total: int
    list_url: str

    @property
    def more(self) -> bool:
        return self.total > len(self.hits)


@dataclass(frozen=True)
class ChooserSource(Entry):
    """A kind of record that forms and filters choose by typing (``core.choosers``).

    ``matching(text, records)`` is the app's selector: those of ``records`` the text
    finds (the list's search). ``records()`` are those the suggestions come from; a
    field may narrow them (its own queryset). ``title`` is the record as the field
    shows it once chosen, ``summary`` the line beside it in the suggestions.
    ``reference`` reads a record's own reference in the text ("REQ-0004") as its id.
    """

    noun: "str | Promise"
    plural: "str | Promise"
    records: Callable[[], QuerySet]
    matching: Callable[[str, QuerySet], QuerySet]
    # None: anyone signed in (people's names show on every record they own).
    permission: str | None
    ordering: tuple[str, ...] = ("pk",)
    title: Callable[[Any], str] = str
    summary: Callable[[Any], str] = field(default=lambda record: "")
    reference: Callable[[str], int | None] = field(default=lambda text: None)


@dataclass(frozen=True)
class PersonalDataPlace(Entry):
    """A place that holds personal data in a way a search for an erased person must be
    told about (``tests/erasure.py`` reads every table and stored file by itself).

    ``kept`` names a column ("app_label.Model.field") allowed to keep what the search
    finds there after an erasure, ``why`` says why (a hash kept so that the person is
    not imported again); ``read`` returns (where, text) pairs of storage that is not
    plain text (sessions, signed and encoded).
    """

    why: "str | Promise"
    kept: str = ""
    read: Callable[[], Iterable[tuple[str, str]]] | None = None


# How many records of each kind the search results page shows; "Show all" lists the rest.
SEARCH_RESULTS_PER_KIND = 8

navigation: Registry[NavItem] = Registry("navigation")
home_panels: Registry[HomePanel] = Registry("home panels")
customer_timeline: Registry[TimelineSource] = Registry("customer timeline")
record_actions: Registry[RecordAction] = Registry("record actions")
record_sections: Registry[RecordSection] = Registry("record sections")
search: Registry[SearchProvider] = Registry("search")
choosers: Registry[ChooserSource] = Registry("choosers")
personal_data: Registry[PersonalDataPlace] = Registry("personal data")


def nav_items_for(user: Any) -> list[NavItem]:
    return [item for item in navigation if _allowed(user, item.permission)]


def home_panels_for(user: Any) -> list[HomePanel]:
    return [panel for panel in home_panels if _allowed(user, panel.permission)]


def timeline_for(customer: models.Model, user: Any, limit: int = 100) -> list[TimelineEntry]:
    """Return the customer's entries from every source the user may read, newest first."""
    entries: list[TimelineEntry] = []
    for source in customer_timeline:
        if _allowed(user, source.permission):
            entries.extend(source.entries(customer))
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:limit]


def actions_for(record: models.Model, user: Any) -> list[tuple["str | Promise", str]]:
    """Return (label, url) of each action offered to the user on the record."""
    label = record._meta.label_lower
    if getattr(record, "is_voided", False):
        return []
    return [
        (action.label, action.url(record))
        for action in record_actions
        if action.model == label and _allowed(user, action.permission) and action.applies(record)
    ]


def sections_for(record: models.Model, user: Any) -> list[tuple[str, dict[str, Any]]]:
    """Return (template, context) of each section the user may read on the record's page."""
    label = record._meta.label_lower
    return [
        (section.template, section.context(record, user))
        for section in record_sections
        if section.model == label and _allowed(user, section.permission)
    ]


def search_providers_for(user: Any) -> list[SearchProvider]:
    return [provider for provider in search if _allowed(user, provider.permission)]


def search_for(user: Any, text: str, limit: int = SEARCH_RESULTS_PER_KIND) -> list[SearchGroup]:
    """Return, per kind the user may view, the first ``limit`` records matching the text
    and how many match in all: one query per kind, whatever the number of matches."""
    groups = []
    for provider in search_providers_for(user):
        # The window counts every match before the limit cuts the rows.
        rows = list(provider.search(text).annotate(search_total=Window(Count("pk")))[:limit])
        groups.append(
            SearchGroup(
                key=provider.key,
                label=provider.label,
                hits=[
                    SearchHit(
                        title=provider.title(row),
                        url=row.get_absolute_url(),
                        summary=provider.summary(row),
                    )
                    for row in rows
                ],
                total=rows[0].search_total if rows else 0,
                list_url=provider.list_url(text),
            )
        )
    return groups
