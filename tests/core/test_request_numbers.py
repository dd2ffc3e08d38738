"""Numbers in the address: every page reads them with one parser, ASCII digits only.

``str.isdigit()`` accepts "²" and "٣", which ``int()`` then refuses or reads as
another number; a page that trusted it answered ``?customer=²`` with a server error.
This walks every page of the product on the demo data, as a superuser, with each
query-string name the pages read set to digits that are not ASCII, and to a number
larger than any column holds.
"""

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from core.params import positive_int
from tests.core.test_url_access import SAMPLES, walk
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The names any page reads from the query string: each list's filters and sort, the
# version picker (a, b), the pre-filled forms (customer, product, need), pagination,
# the import filter, tabs and the back link.
NAMES = ["customer", "product", "need", "requirement", "segment", "owner", "a", "b"]
NAMES += ["page", "import", "tab", "next", "sort", "q", "status", "kind", "changed"]
BAD_VALUES = ["²", "٣", "1²", "99999999999999999999999", "-1", " 1"]
# Each value in every name at once, then "²" in each name alone (so that one name
# refused first cannot hide another).
QUERIES = [dict.fromkeys(NAMES, value) for value in BAD_VALUES]
QUERIES += [{name: "²"} for name in NAMES]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42),
        ("0", None),
        ("", None),
        (None, None),
        ("²", None),
        ("٣", None),
        ("1²", None),
        (" 1", None),
        ("-1", None),
        ("+1", None),
        ("1_000", None),
        ("9223372036854775807", 9223372036854775807),
        ("9223372036854775808", None),
    ],
)
def test_positive_int_reads_ascii_digits_a_column_can_hold(text, number):
    assert positive_int(text) == number


def product_pages() -> list:
    return [
        page
        for page in walk(get_resolver().url_patterns)
        if not page.is_admin and "<" not in page.name and not page.name.startswith("password")
    ]


def test_no_page_fails_on_digits_that_are_not_ascii(client):
    call_command("load_demo", force=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    failed = []
    for page in product_pages():
        # A detail page is tried with the first record ids until one opens.
        paths = [page.path]
        if SAMPLES["pk"] in page.path:
            paths = [page.path.replace(SAMPLES["pk"], str(pk)) for pk in range(1, 6)]
        path = next((p for p in paths if client.get(p).status_code == 200), paths[0])
        for query in QUERIES:
            response = client.get(path, query)
            if response.status_code >= 500:
                failed.append(f"{path}?{query}: {response.status_code}")
    assert not failed
