"""Bulk changes on the customer and contact lists: services and pages.

One file for one feature: the services' refusals and the pages that show them are
read together (the confirmation page states what the service will refuse).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.history import bulk_create_with_history
from core.models import User
from core.records import status_changed
from core.roles import Role
from core.services import record_void
from customers.models import Contact, Customer
from customers.register import bulk, services
from customers.register.bulk import CustomerChange
from customers.register.services import BulkRefusedError
from tests.factories import ContactFactory, CustomerFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def bulk_rows(model):
    return model.history.filter(history_change_reason__startswith="Bulk change")


# Customers: the service --------------------------------------------------------------


def test_a_segment_is_added_with_one_history_row_per_customer_changed(quality_manager):
    healthcare = SegmentFactory(name="Healthcare")
    already, joining = CustomerFactory(), CustomerFactory()
    already.segments.add(healthcare)

    outcome = services.customers_bulk_update(
        customers=Customer.objects.all(), by=quality_manager, segment=healthcare, reason="Audit"
    )

    assert (outcome.total, outcome.changing, outcome.unchanged) == (2, 1, 1)
    assert set(joining.segments.all()) == {healthcare}
    (row,) = bulk_rows(Customer)
    assert (row.id, row.history_user, row.history_change_reason) == (
        joining.pk,
        quality_manager,
        "Bulk change: Audit",
    )
    assert [link.segment for link in row.segments.all()] == [healthcare]


def test_owner_and_status_change_together_and_a_lost_customer_keeps_its_date(quality_manager):
    owner = UserFactory(role=Role.STAFF)
    lost = CustomerFactory(status="lost", lost_on=date(2025, 1, 2), lost_reason="Moved away")
    active = CustomerFactory(status="active", account_owner=owner)
    at_risk = CustomerFactory(status="at_risk")
    today = timezone.localdate()

    outcome = services.customers_bulk_update(
        customers=Customer.objects.all(),
        by=quality_manager,
        account_owner=owner,
        status="lost",
        lost_on=today,
        lost_reason="Closed the site",
    )

    assert (outcome.changing, outcome.unchanged) == (3, 0)
    for customer in (lost, active, at_risk):
        customer.refresh_from_db()
        assert (customer.status, customer.account_owner) == ("lost", owner)
    assert (lost.lost_on, lost.lost_reason) == (date(2025, 1, 2), "Moved away")
    assert (active.lost_on, active.lost_reason) == (today, "Closed the site")
    assert bulk_rows(Customer).count() == 3


def test_leaving_lost_clears_the_loss_date_and_reason(quality_manager):
    customer = CustomerFactory(status="lost", lost_on=date(2025, 1, 2), lost_reason="Gone")

    services.customers_bulk_update(
        customers=Customer.objects.all(), by=quality_manager, status="active"
    )

    customer.refresh_from_db()
    assert (customer.status, customer.lost_on, customer.lost_reason) == ("active", None, "")


def test_a_customer_that_refuses_the_change_stops_the_whole_change(quality_manager):
    voided = CustomerFactory(name="Entered twice")
    record_void(record=voided, by=quality_manager, reason="Duplicate")
    prospect = CustomerFactory(name="New lead", status="prospect")
    fine = CustomerFactory(name="Fine", status="active")
    before = Customer.history.count()

    with pytest.raises(BulkRefusedError) as refused:
        services.customers_bulk_update(
            customers=Customer.objects.all(), by=quality_manager, status="at_risk"
        )

    assert Customer.history.count() == before
    assert list(Customer.objects.values_list("status", flat=True).order_by("name")) == [
        "active",
        "active",
        "prospect",
    ]
    outcome = refused.value.outcome
    assert (outcome.changing, outcome.refused_count, outcome.allowed) == (3, 2, 1)
    assert outcome.refused == [
        (voided, "This customer is voided and can no longer be changed."),
        (prospect, "A record that is prospect cannot be made at risk."),
    ]
    assert fine.status == "active"


def test_those_that_refuse_can_be_left_out_once_seen(quality_manager):
    prospect = CustomerFactory(status="prospect")
    active = CustomerFactory(status="active")

    seen = bulk.customer_bulk_outcome(Customer.objects.all(), CustomerChange(status="at_risk"))

    outcome = services.customers_bulk_update(
        customers=Customer.objects.all(),
        by=quality_manager,
        status="at_risk",
        expected=seen.token,
        leave_out_refused=True,
    )

    assert outcome.allowed == 1
    active.refresh_from_db()
    prospect.refresh_from_db()
    assert (active.status, prospect.status) == ("at_risk", "prospect")
    assert bulk_rows(Customer).get().id == active.pk


@pytest.mark.parametrize("since", ["one more", "another one"])
def test_a_register_that_changed_since_the_confirmation_is_not_changed(quality_manager, since):
    segment = SegmentFactory()
    first = CustomerFactory(status="active")
    seen = bulk.customer_bulk_outcome(
        Customer.objects.filter(status="active"), CustomerChange(segment=segment)
    )
    CustomerFactory(status="active")
    if since == "another one":  # as many as confirmed, but not the same
        first.segments.add(segment)

    with pytest.raises(BulkRefusedError, match="no longer those you saw"):
        services.customers_bulk_update(
            customers=Customer.objects.filter(status="active"),
            by=quality_manager,
            segment=segment,
            expected=seen.token,
        )

    assert list(segment.customers.all()) == ([first] if since == "another one" else [])


def test_a_loss_dated_before_the_customer_existed_is_refused(quality_manager):
    with pytest.raises(BulkRefusedError) as refused:
        services.customers_bulk_update(
            customers=Customer.objects.filter(pk=CustomerFactory().pk),
            by=quality_manager,
            status="lost",
            lost_on=timezone.localdate() - timedelta(days=3),
            lost_reason="Closed",
        )

    assert "after the date it was lost" in refused.value.outcome.refused[0][1]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({}, "__all__"),
        ({"status": "lost"}, "lost_on"),
        ({"status": "lost", "lost_on": date(2999, 1, 1), "lost_reason": "x"}, "lost_on"),
        ({"status": "lost", "lost_on": date(2025, 1, 1)}, "lost_reason"),
        ({"status": "closed"}, "status"),
        ({"segment": "voided"}, "segment"),
        ({"account_owner": Role.AUDITOR}, "account_owner"),
        ({"account_owner": "inactive"}, "account_owner"),
        ({"segment": "any", "reason": "x" * 81}, "reason"),
    ],
)
def test_a_change_no_customer_could_take_is_refused_with_its_reason(quality_manager, change, field):
    customer = CustomerFactory()
    if change.get("segment") == "voided":
        change["segment"] = SegmentFactory()
        record_void(record=change["segment"], by=quality_manager, reason="Merged")
    elif change.get("segment") == "any":
        change["segment"] = SegmentFactory()
    if change.get("account_owner") == Role.AUDITOR:
        change["account_owner"] = UserFactory(role=Role.AUDITOR)
    elif change.get("account_owner") == "inactive":
        change["account_owner"] = UserFactory(role=Role.STAFF, is_active=False)

    with pytest.raises(ValidationError) as refused:
        services.customers_bulk_update(
            customers=Customer.objects.all(), by=quality_manager, **change
        )

    errors = getattr(refused.value, "error_dict", {"__all__": refused.value.messages})
    assert field in errors
    assert Customer.history.filter(id=customer.pk).count() == 1


def test_only_someone_who_may_change_customers_can_bulk_change_them():
    customer = CustomerFactory(status="active")

    with pytest.raises(PermissionDenied):
        services.customers_bulk_update(
            customers=Customer.objects.all(),
            by=UserFactory(role=Role.AUDITOR),
            status="at_risk",
        )

    customer.refresh_from_db()
    assert customer.status == "active"


def test_each_move_is_announced_once_after_commit(
    quality_manager, django_capture_on_commit_callbacks
):
    moving = CustomerFactory(status="active")
    CustomerFactory(status="at_risk")
    heard = []

    def listen(sender, **kwargs):
        heard.append(
            (sender, kwargs["instance"].pk, *(kwargs[k] for k in ("old", "new", "by", "reason")))
        )

    status_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.customers_bulk_update(
                customers=Customer.objects.all(), by=quality_manager, status="at_risk"
            )
    finally:
        status_changed.disconnect(listen)

    assert heard == [(Customer, moving.pk, "active", "at_risk", quality_manager, "Bulk change")]


def make_customers(count):
    start = Customer.objects.count()
    bulk_create_with_history(
        [
            Customer(name=f"Customer {n}", country="IN", status="active")
            for n in range(start, start + count)
        ],
        Customer,
    )


def test_bulk_over_thousands_makes_as_many_queries_as_over_a_few(quality_manager):
    segment = SegmentFactory()
    owner = UserFactory(role=Role.STAFF)
    counts = []
    for size in (20, 2000):
        Customer.segments.through.objects.all().delete()
        make_customers(size - Customer.objects.count())
        by = User.objects.get(pk=quality_manager.pk)  # its permissions not yet read
        with CaptureQueriesContext(connection) as queries:
            outcome = services.customers_bulk_update(
                customers=Customer.objects.all(),
                by=by,
                segment=segment,
                account_owner=owner if size == 20 else quality_manager,
                status="at_risk" if size == 20 else "active",
            )
        assert outcome.changing == size
        counts.append(len(queries))

    assert segment.customers.count() == 2000
    assert bulk_rows(Customer).count() == 2020
    # The savepoint and its release, the permissions (2), the owner's eligibility, the
    # lock, the outcome; then, for those whose status stays and for those it moves:
    # the highest history key, the history rows, the update, the segment's links and
    # the snapshots of both many-to-many fields; and the statuses the moves start from.
    assert counts == [20, 20]


# Contacts: the service ---------------------------------------------------------------


def test_contacts_take_a_language_and_an_opt_out_and_keep_their_own_opt_out_time(
    quality_manager,
):
    earlier = timezone.now() - timedelta(days=30)
    out = ContactFactory(opted_out=True, opted_out_at=earlier, language="en")
    inside = ContactFactory(language="en")
    done = ContactFactory(opted_out=True, opted_out_at=earlier, language="hi")

    outcome = services.contacts_bulk_update(
        contacts=Contact.objects.all(), by=quality_manager, language="hi", opt_out=True
    )

    assert (outcome.changing, outcome.unchanged) == (2, 1)
    out.refresh_from_db()
    inside.refresh_from_db()
    assert (out.language, out.opted_out_at) == ("hi", earlier)
    assert (inside.language, inside.opted_out) == ("hi", True)
    assert inside.opted_out_at is not None
    assert {row.id for row in bulk_rows(Contact)} == {out.pk, inside.pk}
    assert done.pk not in {row.id for row in bulk_rows(Contact)}


def test_an_erased_contact_refuses_a_change_it_would_take_but_not_one_it_has(quality_manager):
    erased = ContactFactory()
    services.contact_erase(
        contact=erased, by=quality_manager, requested_by="them", requested_on=date(2026, 1, 20)
    )
    ContactFactory()

    opted = services.contacts_bulk_update(
        contacts=Contact.objects.all(), by=quality_manager, opt_out=True
    )
    with pytest.raises(BulkRefusedError) as refused:
        services.contacts_bulk_update(
            contacts=Contact.objects.all(), by=quality_manager, language="hi"
        )

    assert (opted.changing, opted.refused_count) == (1, 0)
    assert refused.value.outcome.refused[0][1] == (
        "This contact's personal data is erased; it can no longer be changed."
    )
    assert not Contact.objects.filter(language="hi").exists()


def test_only_someone_who_may_change_contacts_can_bulk_change_them():
    ContactFactory()

    with pytest.raises(PermissionDenied):
        services.contacts_bulk_update(
            contacts=Contact.objects.all(), by=UserFactory(role=Role.STAFF), opt_out=True
        )

    assert not Contact.objects.filter(opted_out=True).exists()


# The pages ---------------------------------------------------------------------------


def confirmed(confirmation):
    """Return what the confirmation page posts back: what identifies its outcome."""
    return {"expected": confirmation.context["outcome"].token}


def test_the_list_offers_checkboxes_and_the_bulk_form_to_those_who_may_change(client, signed_in):
    CustomerFactory(name="Acme")
    ContactFactory()

    for url in (reverse("customers:customer_list"), reverse("customers:contact_list")):
        page = signed_in.get(url).content.decode()
        assert 'id="bulk-form"' in page
        assert 'name="ids"' in page
        assert 'name="all_matching"' in page
    client.force_login(UserFactory(role=Role.AUDITOR))
    for url in (reverse("customers:customer_list"), reverse("customers:contact_list")):
        page = client.get(url).content.decode()
        assert "bulk-form" not in page


def test_the_owner_choices_are_people_who_can_own_an_account(signed_in, quality_manager):
    staff = UserFactory(role=Role.STAFF)
    UserFactory(role=Role.AUDITOR)
    UserFactory(role=Role.STAFF, is_active=False)

    form = signed_in.get(reverse("customers:customer_list")).context["bulk_form"]

    assert set(form.fields["account_owner"].queryset) == {staff, quality_manager}


def test_the_confirmation_says_what_will_change_then_the_change_is_made(signed_in):
    segment = SegmentFactory(name="Healthcare")
    ticked = CustomerFactory(name="Acme"), CustomerFactory(name="Bolt")
    ticked[0].segments.add(segment)
    other = CustomerFactory(name="Crane")
    posted = {
        "ids": [c.pk for c in ticked],
        "query": "status=active",
        "segment": segment.pk,
        "account_owner": "",
        "status": "",
    }

    confirm = signed_in.post(reverse("customers:customer_bulk"), posted)

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Add them to the segment “Healthcare”." in page
    assert "You ticked 2 records." in page
    assert 'data-bulk-outcome="changing">1<' in page
    assert 'data-bulk-outcome="unchanged">1<' in page
    assert "Change 1 record" in page
    assert not bulk_rows(Customer).exists()

    done = signed_in.post(
        reverse("customers:customer_bulk"), {**posted, **confirmed(confirm), "apply": "all"}
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("customers:customer_list") + "?status=active"
    assert set(segment.customers.all()) == set(ticked)
    assert not other.segments.exists()
    assert bulk_rows(Customer).get().id == ticked[1].pk
    shown = signed_in.get(done["Location"]).content.decode()
    assert "Changed: 1. Already so, left as they were: 1." in shown


def test_all_that_match_the_filters_changes_those_and_no_other(signed_in):
    for n in range(30):
        CustomerFactory(name=f"Match {n}", status="at_risk")
    CustomerFactory(name="Other", status="active")
    posted = {"all_matching": "True", "query": "status=at_risk&page=2", "status": "active"}

    confirm = signed_in.post(reverse("customers:customer_bulk"), posted)
    assert "30 records match the list" in confirm.content.decode()
    done = signed_in.post(
        reverse("customers:customer_bulk"), {**posted, **confirmed(confirm), "apply": "all"}
    )

    assert done.status_code == 302
    assert Customer.objects.filter(status="active").count() == 31
    assert bulk_rows(Customer).count() == 30


def test_refused_records_are_listed_and_can_be_left_out(signed_in):
    prospect = CustomerFactory(name="Lead", status="prospect")
    active = CustomerFactory(name="Acme", status="active")
    posted = {"ids": [prospect.pk, active.pk], "status": "at_risk"}

    shown = signed_in.post(reverse("customers:customer_bulk"), posted)
    confirm = shown.content.decode()
    refused = signed_in.post(
        reverse("customers:customer_bulk"), {**posted, **confirmed(shown), "apply": "all"}
    )

    assert "A record that is prospect cannot be made at risk." in confirm
    assert 'value="all"' not in confirm
    assert "Leave out the 1 that cannot, and change 1 record" in confirm
    assert refused.status_code == 200
    assert "1 of the customers selected cannot take this change" in refused.content.decode()
    assert not bulk_rows(Customer).exists()
    signed_in.post(
        reverse("customers:customer_bulk"), {**posted, **confirmed(shown), "apply": "leave_out"}
    )
    active.refresh_from_db()
    assert active.status == "at_risk"


def test_a_filter_no_longer_valid_is_refused_not_ignored(signed_in, quality_manager):
    segment = SegmentFactory()
    CustomerFactory(status="active")
    record_void(record=segment, by=quality_manager, reason="Merged")

    response = signed_in.post(
        reverse("customers:customer_bulk"),
        {"all_matching": "True", "query": f"segment={segment.pk}", "status": "at_risk"},
    )

    assert "filters are no longer valid" in response.content.decode()
    assert not bulk_rows(Customer).exists()


def test_nothing_ticked_or_nothing_chosen_says_what_to_do(signed_in):
    CustomerFactory()

    nothing_ticked = signed_in.post(reverse("customers:customer_bulk"), {"status": "at_risk"})
    nothing_chosen = signed_in.post(
        reverse("customers:customer_bulk"), {"ids": [Customer.objects.get().pk]}
    )

    assert "Tick the rows to change" in nothing_ticked.content.decode()
    assert "Choose what to change" in nothing_chosen.content.decode()
    assert 'name="status"' in nothing_chosen.content.decode()  # to choose on the page


def test_the_contact_list_bulk_change_goes_through_the_confirmation(signed_in):
    contact = ContactFactory(language="en")
    posted = {"ids": [contact.pk], "language": "hi"}

    confirm = signed_in.post(reverse("customers:contact_bulk"), posted)
    done = signed_in.post(
        reverse("customers:contact_bulk"), {**posted, **confirmed(confirm), "apply": "all"}
    )

    assert "Set their preferred language to Hindi." in confirm.content.decode()
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.language == "hi"


@pytest.mark.parametrize("url_name", ["customers:customer_bulk", "customers:contact_bulk"])
def test_an_auditor_is_refused(client, url_name):
    customer = CustomerFactory(status="active")
    client.force_login(UserFactory(role=Role.AUDITOR))

    response = client.post(
        reverse(url_name),
        {"ids": [customer.pk], "status": "at_risk", "expected": "1", "apply": "all"},
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.status == "active"


def test_the_change_needs_the_csrf_token(quality_manager):
    customer = CustomerFactory(status="active")
    client = Client(enforce_csrf_checks=True)
    client.force_login(quality_manager)

    response = client.post(
        reverse("customers:customer_bulk"),
        {"ids": [customer.pk], "status": "at_risk", "expected": "1", "apply": "all"},
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.status == "active"


def test_opening_the_bulk_page_without_a_form_goes_back_to_the_list(signed_in):
    response = signed_in.get(reverse("customers:customer_bulk"))

    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer_list")


def test_the_pages_make_as_many_queries_for_2000_customers_as_for_20(
    client, quality_manager, django_assert_num_queries
):
    client.force_login(quality_manager)
    segment = SegmentFactory()
    posted = {"all_matching": "True", "query": "status=active", "segment": segment.pk}
    for size in (20, 2000):
        Customer.segments.through.objects.all().delete()
        make_customers(size - Customer.objects.count())
        with django_assert_num_queries(6, info=f"confirmation for {size}"):
            confirm = client.post(reverse("customers:customer_bulk"), posted)
        assert confirm.context["outcome"].changing == size
        with django_assert_num_queries(15, info=f"change of {size}"):
            done = client.post(
                reverse("customers:customer_bulk"),
                {**posted, **confirmed(confirm), "apply": "all"},
            )
        assert done.status_code == 302
    assert segment.customers.count() == 2000


def test_a_change_since_the_confirmation_shows_the_new_figures_and_writes_nothing(signed_in):
    segment = SegmentFactory()
    CustomerFactory(status="at_risk")
    posted = {"all_matching": "True", "query": "status=at_risk", "segment": segment.pk}
    confirm = signed_in.post(reverse("customers:customer_bulk"), posted)
    CustomerFactory(status="at_risk")

    again = signed_in.post(
        reverse("customers:customer_bulk"), {**posted, **confirmed(confirm), "apply": "all"}
    )

    assert again.status_code == 200
    assert "no longer those you saw" in again.content.decode()
    assert again.context["outcome"].changing == 2
    assert "Change 2 records" in again.content.decode()
    assert not segment.customers.exists()
