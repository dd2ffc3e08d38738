"""The list pages as people use them: filters applied through htmx keep the query in
the address, page numbers with the total, and a customer page whose tabs each have
an address. (core/list.html and core.pages.filtered_list, on the customer register.)"""

import re
from html import unescape

import pytest
from django.urls import reverse

from core.services import record_void
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    CustomerFactory,
    NeedFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}


def test_the_filters_ask_htmx_for_the_results_region_and_keep_the_query_in_the_address(
    signed_in,
):
    html = signed_in.get(reverse("customers:customer_list")).content.decode()

    form = re.search(r'<form method="get" action="/customers/"[^>]*>', html).group(0)
    assert 'data-hx-get="/customers/"' in form
    assert 'data-hx-target="#list-results"' in form
    assert 'data-hx-push-url="true"' in form
    trigger = "submit, change, keyup changed delay:400ms target:input:not([data-chooser])"
    assert f'data-hx-trigger="{trigger}"' in form
    # Without JavaScript the form still applies with its button.
    assert '<button type="submit" class="btn btn-primary">Apply</button>' in html
    assert '<div id="list-results" class="list-results">' in html


def test_an_htmx_request_from_the_filters_gets_only_the_results_region(signed_in):
    CustomerFactory(name="Apollo Diagnostics", status="active")
    CustomerFactory(name="Zenith Retail", status="prospect")

    response = signed_in.get(reverse("customers:customer_list"), {"status": "active"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert "Apollo Diagnostics" in html
    assert "Zenith Retail" not in html
    assert html.lstrip().startswith('<div class="list-download')
    # The download in the region follows the filters the list shows.
    assert 'href="/customers/export/customers.csv?status=active"' in html
    # The status line and the filters' summary follow, out of band.
    assert '<p id="list-status" data-hx-swap-oob="innerHTML">1 record matches the filters.' in html
    assert '<span id="filters-in-use" data-hx-swap-oob="innerHTML"> <span' in html
    assert "HX-Request" in response["Vary"]


def test_the_whole_page_goes_to_htmx_restoring_history_and_to_other_targets(signed_in):
    url = reverse("customers:customer_list")

    restore = signed_in.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    other = signed_in.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")
    plain = signed_in.get(url)

    for response in (restore, other, plain):
        assert "<html" in response.content.decode()
        assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "url_name",
    [
        "customers:contact_list",
        "customers:need_list",
        "customers:requirement_list",
        "customers:commitment_list",
        "customers:change_list",
    ],
)
def test_every_filtered_list_answers_htmx_with_its_region(signed_in, url_name):
    response = signed_in.get(reverse(url_name), **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert "<table" in html


def test_the_summary_of_the_folded_filters_says_how_many_are_in_use(signed_in):
    url = reverse("customers:customer_list")

    none = signed_in.get(url, {"q": "", "status": ""}).content.decode()
    two = signed_in.get(url, {"q": "apollo", "status": "active", "page": "1"}).content.decode()

    assert '<details class="list-filters mb-3">' in none
    assert re.search(r'<span id="filters-in-use">\s*</span>', none)
    assert '<span class="badge text-bg-primary">2 in use</span>' in two


def page_links(html: str, label: str = "Pages") -> list[str]:
    nav = html[html.index(f'<nav aria-label="{label}">') :]
    nav = nav[: nav.index("</nav>")]
    return [
        re.sub(r"<[^>]+>", "", label).strip() + " " + unescape(href)
        for href, label in re.findall(r'<a class="page-link" href="([^"]+)"[^>]*>(.*?)</a>', nav)
    ]


def test_page_numbers_with_first_last_and_the_total_keep_the_filters(signed_in):
    # 130 customers: six pages of 25 at the active status.
    for n in range(130):
        CustomerFactory(name=f"Customer {n:03}", status="active")
    CustomerFactory(name="Not active", status="prospect")
    url = reverse("customers:customer_list")

    html = signed_in.get(url, {"status": "active", "q": "", "page": "4"}).content.decode()

    assert page_links(html) == [
        "First page ?status=active&page=1",
        "Previous page ?status=active&page=3",
        "Page 2 ?status=active&page=2",
        "Page 3 ?status=active&page=3",
        "Page 5 ?status=active&page=5",
        "Page 6 ?status=active&page=6",
        "Next page ?status=active&page=5",
        "Last page ?status=active&page=6",
    ]
    assert (
        '<li class="page-item active" aria-current="page"><span class="page-link">'
        '<span class="visually-hidden">Page </span>4</span></li>'
    ) in html
    assert "Page 4 of 6 · 130 records" in html


def test_the_first_page_offers_no_way_back_and_one_page_shows_only_the_total(signed_in):
    for n in range(30):
        CustomerFactory(name=f"Customer {n:03}")
    url = reverse("customers:customer_list")

    first = signed_in.get(url).content.decode()
    one = signed_in.get(url, {"q": "Customer 001"}).content.decode()

    assert page_links(first) == [
        "Page 2 ?page=2",
        "Next page ?page=2",
        "Last page ?page=2",
    ]
    assert "Page 1 of 2 · 30 records" in first
    assert 'aria-label="Pages"' not in one
    assert "1 record<" in one


TABS = ["contacts", "products", "needs", "requirements", "commitments", "timeline", "history"]


def shown_tab(html: str) -> tuple[list[str], list[str], list[str]]:
    """Return the tabs marked selected, the panes shown, and every tab's link."""
    selected = re.findall(r'id="tab-(\w+)" href="\?tab=\1"[^>]*aria-selected="true"', html)
    panes = re.findall(r'class="tab-pane fade show active" id="pane-(\w+)"', html)
    links = re.findall(r'<a class="nav-link[^"]*" id="tab-\w+" href="(\?tab=\w+)"', html)
    return selected, panes, links


@pytest.mark.parametrize("tab", TABS)
def test_each_customer_tab_has_its_own_address(signed_in, tab):
    customer = CustomerFactory()
    NeedFactory(customer=customer, title="Quiet pumps")

    html = signed_in.get(customer.get_absolute_url(), {"tab": tab}).content.decode()

    selected, panes, links = shown_tab(html)
    assert (selected, panes) == ([tab], [tab])
    assert links == [f"?tab={name}" for name in TABS]


@pytest.mark.parametrize("query", [{}, {"tab": "nonsense"}, {"tab": ""}])
def test_the_customer_page_opens_on_contacts_without_a_known_tab(signed_in, query):
    customer = CustomerFactory()
    ContactFactory(customer=customer)

    html = signed_in.get(customer.get_absolute_url(), query).content.decode()

    assert shown_tab(html)[:2] == (["contacts"], ["contacts"])


def pane(html: str, name: str) -> str:
    """Return the HTML of one tab's pane of a customer's page."""
    start = html.index(f'id="pane-{name}"')
    return html[start : html.index('<div class="tab-pane', start + 1)]


def test_the_customer_page_pages_its_contacts_and_keeps_the_tab(
    signed_in, quality_manager, django_assert_num_queries
):
    """2,000 contacts would be 700 KB of page: the tab shows 25 at a time, active
    contacts first by name, the voided after them; its count is every contact."""
    customer = CustomerFactory()
    for n in range(28):
        ContactFactory(customer=customer, name=f"Person {n:02}")
    for n in range(2):
        record_void(
            record=ContactFactory(customer=customer, name=f"Gone {n}"),
            by=quality_manager,
            reason="Left",
        )
    NeedFactory.create_batch(3, customer=customer)
    url = customer.get_absolute_url()

    # Five of them read the timeline's feedback items, communications and emails (the
    # feedback app's registry entries), and survey invitations and responses.
    with django_assert_num_queries(22) as first_queries:
        first = signed_in.get(url).content.decode()
    with django_assert_num_queries(len(first_queries)):
        second = signed_in.get(url, {"tab": "contacts", "page": "2"}).content.decode()

    listed = re.compile(r'<td><a href="/customers/contacts/\d+/">([^<]+)</a>')
    assert listed.findall(pane(first, "contacts")) == [f"Person {n:02}" for n in range(25)]
    assert listed.findall(pane(second, "contacts")) == [
        "Person 25",
        "Person 26",
        "Person 27",
        "Gone 0",
        "Gone 1",
    ]
    assert 'Contacts <span class="badge text-bg-light">30</span>' in first
    assert page_links(first, "Pages of contacts") == [
        "Page 2 ?tab=contacts&page=2",
        "Next page ?tab=contacts&page=2",
        "Last page ?tab=contacts&page=2",
    ]
    assert "Page 2 of 2 · 30 records" in second
    # Page 2 of the contacts is not page 2 of the other tabs, and the tab stays open.
    assert shown_tab(second)[:2] == (["contacts"], ["contacts"])
    assert pane(second, "needs").count('<a href="/customers/needs/') == 3


@pytest.mark.parametrize("name", ["needs", "requirements", "commitments"])
def test_the_customer_pages_other_tabs_that_grow(signed_in, quality_manager, name):
    customer = CustomerFactory()
    for n in range(27):
        if name == "needs":
            NeedFactory(customer=customer, title=f"Need {n:02}")
        elif name == "requirements":
            RequirementFactory(customer=customer, title=f"Requirement {n:02}")
        else:
            CommitmentFactory(customer=customer, by=quality_manager)

    first = signed_in.get(customer.get_absolute_url(), {"tab": name}).content.decode()
    second = signed_in.get(customer.get_absolute_url(), {"tab": name, "page": "2"})

    assert pane(first, name).count("<li><a href=") == 25
    assert pane(second.content.decode(), name).count("<li><a href=") == 2
    assert "Page 1 of 2 · 27 records" in pane(first, name)
    assert f'{name.capitalize()} <span class="badge text-bg-light">27</span>' in first
