"""What keeps a list near its raw SQL: counts per row shown (``count_of``), a page's
ids read before its rows (``ListPaginator``), a search sorted after it is found
(``matches_first``), and sorts that say "empty last" only of what may be empty."""

import pytest
from django.http import QueryDict

from core.expressions import count_of, matches_first
from core.pages import ListPaginator
from core.services import record_void
from customers.models import Contact, Customer
from customers.register.filters import ContactFilter, CustomerFilter
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_count_of_counts_the_rows_of_each_record_and_zero_without_any(quality_manager):
    none, some = CustomerFactory(), CustomerFactory()
    ContactFactory.create_batch(2, customer=some)
    record_void(record=ContactFactory(customer=some), by=quality_manager, reason="Left")

    counted = Customer.objects.annotate(live=count_of(Contact.objects.active(), to="customer"))

    assert {c.pk: c.live for c in counted} == {none.pk: 0, some.pk: 2}
    assert [c.pk for c in counted.order_by("-live", "pk")] == [some.pk, none.pk]


def test_the_pages_read_by_their_ids_hold_every_row_once_in_the_lists_order():
    customer = CustomerFactory()
    for n in range(60):
        # Names that tie, so that the order rests on the id too.
        ContactFactory(customer=customer, name=f"Person {n % 7}")
    listed = Contact.objects.select_related("customer").order_by("name", "pk")

    paginator = ListPaginator(listed, 25)
    pages = [list(paginator.page(number)) for number in paginator.page_range]

    assert [len(rows) for rows in pages] == [25, 25, 10]
    assert [c.pk for rows in pages for c in rows] == [c.pk for c in listed.all()]
    sql = str(paginator.page(3).object_list.query)
    assert "IN (SELECT" in sql
    assert "LIMIT 10 OFFSET 50" in sql


def test_a_search_sorted_after_it_is_found_keeps_the_lists_order():
    customer = CustomerFactory(name="Zeta")
    for name in ("bea", "Abe", "abe", "Cy", "Abe"):
        ContactFactory(customer=customer, name=name)
    listed = Contact.objects.order_by("-name", "pk")

    found_first = matches_first(listed)

    assert list(found_first) == list(listed)
    sql = str(found_first.query)
    assert '"customers_contact"."name" || \'\')' in sql
    assert '"customers_contact"."id" || \'\'' not in sql


def test_the_contacts_search_is_sorted_after_it_is_found_in_any_order():
    for ordering in ("", "customer", "-email"):
        query = QueryDict(f"q=abe&ordering={ordering}")
        sql = str(ContactFilter(query, queryset=Contact.objects.order_by("name", "pk")).qs.query)
        assert " || '')" in sql, ordering


@pytest.mark.parametrize(
    ("filter_class", "model", "ordering", "empty_last"),
    [
        (ContactFilter, Contact, "-name", False),
        (ContactFilter, Contact, "-customer", False),
        (ContactFilter, Contact, "updated", False),
        (CustomerFilter, Customer, "-owner", True),  # no owner: the key may be empty
        (CustomerFilter, Customer, "-contacts", True),  # an annotation: cannot be told
    ],
)
def test_a_sort_says_empty_values_go_last_only_where_there_can_be_some(
    filter_class, model, ordering, empty_last
):
    queryset = model.objects.all()
    if model is Customer:
        queryset = queryset.annotate(contact_count=count_of(Contact.objects.all(), to="customer"))

    sql = str(filter_class(QueryDict(f"ordering={ordering}"), queryset=queryset).qs.query)

    assert ("NULLS LAST" in sql) is empty_last


def test_a_descending_sort_still_puts_customers_without_an_owner_last():
    owned = CustomerFactory(account_owner=UserFactory(full_name="Zed Owner"))
    unowned = CustomerFactory(account_owner=None)
    queryset = Customer.objects.annotate(
        contact_count=count_of(Contact.objects.all(), to="customer")
    )

    for ordering in ("owner", "-owner"):
        found = CustomerFilter(QueryDict(f"ordering={ordering}"), queryset=queryset).qs
        assert list(found) == [owned, unowned], ordering
