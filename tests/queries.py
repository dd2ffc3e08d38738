"""Zulip-style query pins: a page makes exactly as many queries for 3 rows as for 30
(STYLE.md, habit 16).

A pin is one line of data: the page's URL name, a builder and the count (and the
list's filters, if any). The builder is called as ``build(count, subject)`` and adds
``count`` rows. On a list or home page the subject is the signed-in user; on a detail
page it is the record the page shows, made once by the pin's ``record`` callable
(given the signed-in user), and the rows are that record's related rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

SIZES = (3, 30)


@dataclass(frozen=True)
class Pin:
    url_name: str
    build: Callable[[int, Any], object]
    queries: int
    params: dict[str, str] = field(default_factory=dict)
    record: Callable[[Any], Any] | None = None
    # Request headers, such as htmx's when a list's filters ask for its results alone.
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        query = "&".join(f"{key}={value}" for key, value in self.params.items())
        via = " via htmx" if self.headers else ""
        return f"{self.url_name}{'?' if query else ''}{query}{via} ({self.build.__name__})"


def assert_pinned(client: Any, user: Any, assert_num_queries: Any, pin: Pin) -> None:
    """Sign the user in; at each size build the rows and pin the page's query count.

    ``assert_num_queries`` is pytest-django's ``django_assert_num_queries`` fixture.
    A list page must show more rows at the larger size, so a filter that matches
    nothing cannot pass for a constant count.
    """
    client.force_login(user)
    subject = pin.record(user) if pin.record else user
    url = reverse(pin.url_name, args=[subject.pk] if pin.record else [])
    built = 0
    listed = []
    for size in SIZES:
        pin.build(size - built, subject)
        built = size
        with assert_num_queries(pin.queries, info=f"{pin} with {size} rows"):
            response = client.get(url, pin.params, headers=pin.headers)
        assert response.status_code == 200, f"{pin} with {size} rows"
        # A list page's rows; a detail page's tabs page their rows too, but the pin
        # is about the record's related rows, which the builder adds.
        if "page" in response.context and not pin.record:
            listed.append(len(response.context["page"]))
    assert not listed or 0 < listed[0] < listed[-1], f"{pin} lists {listed} rows at {SIZES}"
