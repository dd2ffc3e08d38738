import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from core.roles import Role
from customers.models import Contact, Customer
from customers.tasks import refresh_contact_figures
from tests.customers.forms import unchanged_post
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    ProductServiceFactory,
    SegmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_customers(count, segment, owner):
    for _ in range(count):
        customer = CustomerFactory(account_owner=owner)
        customer.segments.add(segment)
        ContactFactory(customer=customer)


# Their query counts are pinned in test_queries.py.
@pytest.mark.parametrize("url_name", ["customers:customer_list", "customers:contact_list"])
def test_list_pages_show_25_rows_a_page(signed_in, quality_manager, url_name):
    make_customers(30, SegmentFactory(), quality_manager)

    response = signed_in.get(reverse(url_name))

    assert response.status_code == 200
    assert len(response.context["page"]) == 25


def test_the_customer_page_lists_every_contact(signed_in):
    customer = CustomerFactory()
    ContactFactory.create_batch(20, customer=customer)

    response = signed_in.get(customer.get_absolute_url())

    assert response.content.decode().count("/customers/contacts/") >= 20


def test_list_filters_search_and_sort(signed_in, quality_manager):
    healthcare = SegmentFactory(name="Healthcare")
    clinic = CustomerFactory(
        name="Lakeside Clinic", status="at_risk", account_owner=quality_manager
    )
    clinic.segments.add(healthcare)
    ContactFactory(customer=CustomerFactory(name="Acme Tools"), email="buyer@acme.example")
    CustomerFactory(name="Zenith Retail", status="prospect")

    def names(**params):
        response = signed_in.get(reverse("customers:customer_list"), params)
        return [c.name for c in response.context["page"]]

    assert names(segment=healthcare.pk) == ["Lakeside Clinic"]
    assert names(status="prospect") == ["Zenith Retail"]
    assert names(owner=quality_manager.pk) == ["Lakeside Clinic"]
    assert names(q="buyer@acme") == ["Acme Tools"]
    assert names(ordering="-name") == ["Zenith Retail", "Lakeside Clinic", "Acme Tools"]


def test_creating_a_customer_with_a_contact_through_the_pages(signed_in, quality_manager):
    segment = SegmentFactory(name="Healthcare")

    created = signed_in.post(
        reverse("customers:customer_create"),
        {
            "name": "Lakeside Clinic",
            "kind": "organisation",
            "status": "prospect",
            "segments": [segment.pk],
            "tier": "standard",
            "country": "US",
        },
    )
    customer = Customer.objects.get(name="Lakeside Clinic")
    assert created.status_code == 302
    added = signed_in.post(
        reverse("customers:contact_create", args=[customer.pk]),
        {
            "name": "Dana Scott",
            "email": "Dana@Lakeside.example",
            "language": "en",
            "consent": "on",
            "consent_on": "2026-10-01",
            "consent_source": "form",
        },
    )

    assert added.status_code == 302
    contact = Contact.objects.get()
    assert (contact.customer, contact.email) == (customer, "dana@lakeside.example")
    assert customer.history.first().history_user == quality_manager
    page = signed_in.get(customer.get_absolute_url()).content.decode()
    assert "Dana Scott" in page
    assert "History" in page


def test_bad_input_gets_a_clear_message_and_changes_nothing(signed_in):
    contact = ContactFactory(email="dana@lakeside.example")

    duplicate = signed_in.post(
        reverse("customers:contact_create", args=[contact.customer.pk]),
        {"name": "Dana again", "email": "DANA@lakeside.example", "language": "en"},
    )
    bad_email = signed_in.post(
        reverse("customers:contact_create", args=[contact.customer.pk]),
        {"name": "Eve", "email": "not-an-email", "language": "en", "consent": "on"},
    )
    lost = signed_in.post(
        reverse("customers:customer_edit", args=[contact.customer.pk]),
        {
            "name": contact.customer.name,
            "kind": "organisation",
            "status": "lost",
            "tier": "standard",
        },
    )

    assert "already has a contact with this email" in duplicate.content.decode()
    assert "Enter a valid email address" in bad_email.content.decode()
    assert "Give the date the consent was given" in bad_email.content.decode()
    assert "Give the date the customer was lost" in lost.content.decode()
    assert Contact.objects.count() == 1
    assert Customer.objects.get().status == "active"


def test_the_status_field_offers_only_the_moves_the_workflow_allows(signed_in):
    customer = CustomerFactory(status="active")

    form = signed_in.get(reverse("customers:customer_edit", args=[customer.pk])).context["form"]

    assert [value for value, _ in form.fields["status"].choices] == ["active", "at_risk", "lost"]


def test_voiding_through_the_page_keeps_the_customer_and_hides_it_from_the_list(signed_in):
    customer = CustomerFactory(name="Entered Twice")

    empty = signed_in.post(reverse("customers:customer_void", args=[customer.pk]), {"reason": ""})
    signed_in.post(reverse("customers:customer_void", args=[customer.pk]), {"reason": "Duplicate"})

    assert empty.status_code == 200
    customer.refresh_from_db()
    assert (customer.is_voided, customer.void_reason) == (True, "Duplicate")
    listed = signed_in.get(reverse("customers:customer_list")).context["page"]
    assert customer not in list(listed)
    with_voided = signed_in.get(reverse("customers:customer_list"), {"voided": "on"})
    assert customer in list(with_voided.context["page"])
    assert signed_in.get(reverse("customers:customer_edit", args=[customer.pk])).status_code == 302


@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        (Role.QUALITY_MANAGER, True),
        (Role.STAFF, False),
        (Role.TOP_MANAGEMENT, False),
        (Role.AUDITOR, False),
    ],
)
def test_quality_managers_edit_and_the_other_roles_read(client, role, can_edit):
    customer = CustomerFactory()
    client.force_login(UserFactory(role=role))

    assert client.get(customer.get_absolute_url()).status_code == 200
    edit = client.get(reverse("customers:customer_edit", args=[customer.pk]))
    assert (edit.status_code == 200) is can_edit
    assert (edit.status_code == 403) is not can_edit


# Counts on the lists: right under every search, filter and sort ------------------

COUNT_PARAMS = [
    {},
    {"q": "Asha"},
    {"q": "asha"},
    {"q": "@globex.example"},
    {"q": "Globex"},
    {"q": "Asha", "ordering": "-contacts"},
    {"q": "Asha", "ordering": "owner"},
    {"q": "Asha", "status": "active", "voided": "on"},
    {"q": "asha", "segment": "SEGMENT", "owner": "OWNER", "ordering": "contacts"},
    {"segment": "SEGMENT", "ordering": "-updated"},
]


@pytest.mark.parametrize("params", COUNT_PARAMS, ids=lambda p: "&".join(p) or "none")
def test_the_contact_count_is_right_whatever_the_search_filter_and_sort(
    signed_in, quality_manager, params
):
    owner = UserFactory(role=Role.QUALITY_MANAGER)
    globex = CustomerFactory(name="Globex Industries", account_owner=owner)
    segment, other = SegmentFactory(), SegmentFactory()
    globex.segments.add(segment, other)
    for name in ("Asha Rao", "Asha Menon", "Vikram Asha", "Leela Iyer"):
        ContactFactory(
            customer=globex, name=name, email=f"{name.replace(' ', '.').lower()}@globex.example"
        )
    voided = ContactFactory(customer=globex, name="Asha Twice", email="twice@globex.example")
    Contact.objects.filter(pk=voided.pk).update(voided_at=voided.updated_at)
    ContactFactory(customer=CustomerFactory(name="Initech"), name="Asha Initech")
    query = {
        key: {"SEGMENT": segment.pk, "OWNER": owner.pk}.get(value, value)
        for key, value in params.items()
    }

    response = signed_in.get(reverse("customers:customer_list"), query)

    counts = {c.name: c.contact_count for c in response.context["page"]}
    assert counts["Globex Industries"] == 4
    assert '<td class="text-end">4</td>' in response.content.decode()
    assert len(counts) == len(set(counts))


def test_a_search_by_a_contact_name_finds_the_customer_once(signed_in):
    customer = CustomerFactory(name="Umbrella Health")
    ContactFactory.create_batch(29, customer=customer, name="Priya Raman")
    CustomerFactory(name="Unrelated Ltd")

    response = signed_in.get(reverse("customers:customer_list"), {"q": "priya raman"})

    rows = list(response.context["page"])
    assert [(c.name, c.contact_count) for c in rows] == [("Umbrella Health", 29)]
    assert "841" not in response.content.decode()


def test_the_segment_and_catalogue_lists_count_active_customers_once(signed_in, quality_manager):
    segment = SegmentFactory(name="Hospitals")
    customers = CustomerFactory.create_batch(3)
    segment.customers.add(*customers)
    for customer in customers:
        ContactFactory.create_batch(2, customer=customer)
        customer.products.add(product := ProductServiceFactory(name=f"Kit {customer.pk}"))
        product.customers.add(*customers)
    Customer.objects.filter(pk=customers[0].pk).update(voided_at=customers[0].updated_at)

    segments = signed_in.get(reverse("customers:segment_list")).context["page"]
    products = signed_in.get(reverse("customers:product_list")).context["page"]

    assert {s.name: s.customer_count for s in segments} == {"Hospitals": 2}
    assert {p.customer_count for p in products} == {2}


# Saving a form unchanged writes no history row ------------------------------------


def edit_pages(quality_manager):
    """Each register record with some history, and the page that edits it."""
    customer = CustomerFactory(account_owner=quality_manager, notes="Pays on time.")
    customer.segments.add(SegmentFactory())
    customer.products.add(ProductServiceFactory())
    contact = ContactFactory(customer=customer, phone="+91 22 5555 0100", role="Buyer")
    segment, product = SegmentFactory(description="Hospitals"), ProductServiceFactory(code="K1")
    return [
        (customer, reverse("customers:customer_edit", args=[customer.pk])),
        (contact, reverse("customers:contact_edit", args=[contact.pk])),
        (segment, reverse("customers:segment_edit", args=[segment.pk])),
        (product, reverse("customers:product_edit", args=[product.pk])),
    ]


def test_saving_a_register_form_unchanged_writes_no_history_row(signed_in, quality_manager):
    for record, url in edit_pages(quality_manager):
        before = type(record).history.filter(id=record.pk).count()
        data = unchanged_post(signed_in.get(url).context["form"])

        response = signed_in.post(url, data)

        assert response.status_code == 302, (record, response.context["form"].errors)
        rows = type(record).history.filter(id=record.pk)
        assert rows.count() == before, f"{record._meta.verbose_name}: {list(rows)}"


def test_saving_a_register_form_with_one_change_writes_one_row(signed_in, quality_manager):
    customer, url = edit_pages(quality_manager)[0]
    data = unchanged_post(signed_in.get(url).context["form"])
    before = customer.history.count()

    signed_in.post(url, {**data, "notes": "Pays late since March."})

    assert customer.history.count() == before + 1
    assert customer.history.first().notes == "Pays late since March."


# Account owners: only people who can own an account --------------------------------


def test_the_customer_form_and_filter_offer_only_people_who_can_own_an_account(signed_in):
    staff = UserFactory(role=Role.STAFF, full_name="Priya Staff")
    auditor = UserFactory(role=Role.AUDITOR, full_name="Hannah Auditor")
    left = UserFactory(role=Role.STAFF, full_name="Lee Left", is_active=False)
    CustomerFactory(account_owner=auditor)  # from before the rule, or the admin
    kept = CustomerFactory(account_owner=left)

    def offered(response, name):
        form = response.context["form"] if name == "form" else response.context["filter"].form
        field = form.fields["account_owner" if name == "form" else "owner"]
        return {u.full_name for u in field.queryset}

    new = signed_in.get(reverse("customers:customer_create"))
    listed = signed_in.get(reverse("customers:customer_list"))
    edit = signed_in.get(reverse("customers:customer_edit", args=[kept.pk]))

    assert "Priya Staff" in offered(new, "form")
    assert not {"Hannah Auditor", "Lee Left"} & offered(new, "form")
    assert "Priya Staff" in offered(listed, "filter")
    assert not {"Hannah Auditor", "Lee Left"} & offered(listed, "filter")
    # Shown as it is on a customer whose owner left, so an edit never drops it unseen.
    assert "Lee Left" in offered(edit, "form")
    assert staff.is_active


# Lengths: refused with the limit, never cut ---------------------------------------


def test_a_value_over_a_fields_limit_is_refused_with_the_limit_and_nothing_is_saved(signed_in):
    url = reverse("customers:customer_create")
    data = {"name": "Acme", "kind": "organisation", "status": "prospect", "tier": "standard"}

    long_name = signed_in.post(url, {**data, "name": "A" * 201})
    long_notes = signed_in.post(url, {**data, "notes": "word " * 2000 + "words"})

    assert "Ensure this value has at most 200 characters (it has 201)." in (
        long_name.content.decode()
    )
    assert "Ensure this value has at most 10000 characters (it has 10005)." in (
        long_notes.content.decode()
    )
    assert not Customer.objects.exists()


def test_the_browser_is_never_told_to_cut_a_value_and_free_text_says_its_limit(signed_in):
    customer = CustomerFactory()
    pages = [
        reverse("customers:customer_create"),
        reverse("customers:segment_create"),
        reverse("customers:product_create"),
        reverse("customers:customer_void", args=[customer.pk]),
        reverse("customers:suppression_lift"),
    ]
    for url in pages:
        page = signed_in.get(url).content.decode()

        assert "maxlength" not in page, url
        assert "Up to 10,000 characters." in page, url
    contact = signed_in.get(reverse("customers:contact_create", args=[customer.pk]))
    assert "maxlength" not in contact.content.decode()


# Status lines read as sentences -----------------------------------------------------


def text_of(response):
    """Return the page's text with its whitespace folded, as a person reads it."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize(
    ("contact", "sentences"),
    [
        (
            {"opted_out": True, "opted_out_at": datetime(2026, 8, 12, 9, 0, tzinfo=UTC)},
            [
                "Opted out on 12 Aug 2026: no survey goes to this contact.",
                "Consent had been given on 15 Jan 2026 (web form).",
            ],
        ),
        (
            {},
            ["Consented to surveys on 15 Jan 2026 (web form): surveys can go to this contact."],
        ),
        (
            {"consent": False, "consent_on": None, "consent_source": ""},
            ["No consent to surveys is recorded: no survey goes to this contact."],
        ),
        (
            {"bounced": True, "bounced_at": datetime(2026, 3, 3, 9, 0, tzinfo=UTC)},
            [
                (
                    "Emails to this address bounced on 3 Mar 2026: no survey goes to this "
                    "contact until the address is corrected."
                ),
                "Consent had been given on 15 Jan 2026 (web form).",
            ],
        ),
        (
            {"consent_source": "verbal"},
            ["Consented to surveys on 15 Jan 2026 (verbal, recorded by staff): surveys can go"],
        ),
    ],
    ids=["opted-out", "consents", "no-consent", "bounced", "verbal"],
)
def test_the_contact_page_says_in_a_sentence_whether_surveys_can_go(signed_in, contact, sentences):
    record = ContactFactory(**contact)

    page = text_of(signed_in.get(record.get_absolute_url()))

    for sentence in sentences:
        assert sentence in page
    assert " given 2026" not in page
    assert "Opted out given" not in page


def test_an_erased_contact_reads_erased_on_its_date(signed_in, quality_manager):
    from customers.register.services import contact_erase  # noqa: PLC0415

    contact = ContactFactory()
    with time_machine.travel(datetime(2026, 9, 4, 9, 0, tzinfo=UTC), tick=False):
        contact_erase(
            contact=contact, by=quality_manager, requested_by="Ann", requested_on=date(2026, 9, 1)
        )

    page = text_of(signed_in.get(contact.get_absolute_url()))

    assert "Personal data erased on 4 Sep 2026: no survey goes to this contact." in page


def test_a_lost_customer_reads_when_and_why_it_was_lost(signed_in):
    customer = CustomerFactory(
        status="lost", lost_on=date(2026, 10, 22), lost_reason="Chose a cheaper supplier."
    )

    page = text_of(signed_in.get(customer.get_absolute_url()))

    assert "Lost on 22 Oct 2026. Why it was lost: Chose a cheaper supplier." in page


def test_a_search_that_several_contacts_match_lists_and_counts_each_customer_once(signed_in):
    """Three of Globex's contacts match (one voided, which does not count), and a
    customer matches by its own name: two rows, each with its own active contacts."""
    globex = CustomerFactory(name="Globex Industries")
    for name in ("Asha Rao", "Asha Menon", "Dev Kumar"):
        ContactFactory(customer=globex, name=name)
    ContactFactory(customer=globex, name="Leela Iyer", email="leela@asha.example")
    voided = ContactFactory(customer=globex, name="Asha Twice")
    Contact.objects.filter(pk=voided.pk).update(voided_at=voided.updated_at)
    ContactFactory(customer=CustomerFactory(name="Ashanti Foods"), name="Kofi Mensah")
    CustomerFactory(name="Initech")
    url = reverse("customers:customer_list")

    for ordering in ("", "contacts", "-contacts", "name"):
        response = signed_in.get(url, {"q": "asha", "ordering": ordering})

        page = response.context["page"]
        assert page.paginator.count == 2
        assert {c.name: c.contact_count for c in page} == {
            "Globex Industries": 4,
            "Ashanti Foods": 1,
        }
        assert "2 records" in response.content.decode()
    assert [
        c.name for c in signed_in.get(url, {"q": "asha", "ordering": "-contacts"}).context["page"]
    ] == ["Globex Industries", "Ashanti Foods"]


def test_the_contacts_search_lists_each_match_once_by_name_email_or_customer(signed_in):
    ashanti = CustomerFactory(name="Ashanti Foods")
    ContactFactory(customer=ashanti, name="Kofi Mensah")
    ContactFactory(customer=ashanti, name="Asha Rao")  # by name and by customer: once
    zenith = CustomerFactory(name="Zenith Labs")
    ContactFactory(customer=zenith, name="Leela Iyer", email="leela@asha.example")
    ContactFactory(customer=zenith, name="Dev Kumar")
    voided = ContactFactory(customer=ashanti, name="Asha Twice")
    Contact.objects.filter(pk=voided.pk).update(voided_at=voided.updated_at)

    response = signed_in.get(reverse("customers:contact_list"), {"q": "ASHA"})

    page = response.context["page"]
    assert page.paginator.count == 3
    assert [c.name for c in page] == ["Asha Rao", "Kofi Mensah", "Leela Iyer"]
    for ordering, names in (
        ("-name", ["Leela Iyer", "Kofi Mensah", "Asha Rao"]),
        ("-customer", ["Leela Iyer", "Kofi Mensah", "Asha Rao"]),
        ("customer", ["Kofi Mensah", "Asha Rao", "Leela Iyer"]),
    ):
        rows = signed_in.get(
            reverse("customers:contact_list"), {"q": "asha", "ordering": ordering}
        ).context["page"]
        assert rows.paginator.count == 3
        assert [c.name for c in rows] == names, ordering


def test_the_home_page_counts_the_active_contacts_and_those_who_can_be_surveyed(signed_in):
    ContactFactory.create_batch(2)
    ContactFactory(opted_out=True)
    ContactFactory(consent=False, consent_on=None, consent_source="")
    voided = ContactFactory()
    Contact.objects.filter(pk=voided.pk).update(voided_at=voided.updated_at)

    html = signed_in.get(reverse("home")).content.decode()

    assert re.search(r"Contacts who can be surveyed</dt>\s*<dd[^>]*>2 / 4</dd>", html)


def test_the_home_page_shows_the_contacts_as_last_counted_until_beat_counts_again(
    client, quality_manager, django_assert_num_queries
):
    ContactFactory.create_batch(2)
    with time_machine.travel(datetime(2030, 12, 1, 9, 30, tzinfo=UTC), tick=False) as clock:
        client.force_login(quality_manager)
        # Three of them are feedback's panels (the person's items; the complaint
        # counts; the communication plan's overdue rows).
        with django_assert_num_queries(15) as counted:
            client.get(reverse("home"))
        ContactFactory()
        clock.move_to(datetime(2030, 12, 1, 9, 34, tzinfo=UTC))

        with django_assert_num_queries(len(counted) - 2):
            kept = client.get(reverse("home")).content.decode()
        clock.move_to(datetime(2030, 12, 1, 9, 35, tzinfo=UTC))
        refresh_contact_figures()
        recounted = client.get(reverse("home")).content.decode()

    assert re.search(r"surveyed</dt>\s*<dd[^>]*>2 / 2</dd>", kept)
    assert "Contacts counted at 09:30; they are counted every few minutes." in kept
    assert re.search(r"surveyed</dt>\s*<dd[^>]*>3 / 3</dd>", recounted)
    assert "Contacts counted at 09:35" in recounted
