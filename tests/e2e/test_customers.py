import pytest
from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from customers.models import Contact, Customer, ProductService, Segment
from customers.register.services import contact_erase
from tests.factories import ContactFactory, CustomerFactory, SegmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_quality_manager_creates_a_customer_imports_contacts_and_sees_the_history(
    page, visit, login_as, tmp_path
):
    SegmentFactory(name="Healthcare")
    login_as(Role.QUALITY_MANAGER)

    visit("/customers/", name="list-empty")
    page.get_by_role("link", name="New customer").click()
    visit(name="customer-form")
    page.get_by_label("Name").fill("Lakeside Clinic")
    page.get_by_label("Healthcare").check()
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Save customer").click()
    visit(name="customer-created")
    assert page.get_by_role("heading", name="Lakeside Clinic", level=1).is_visible()

    page.get_by_role("link", name="Add a contact").click()
    visit(name="contact-form")
    page.get_by_label("Name").fill("Dana Scott")
    page.get_by_label("Email address").fill("dana@lakeside.example")
    page.get_by_role("button", name="Save contact").click()
    visit(name="contact-added")
    assert page.get_by_role("link", name="Dana Scott").is_visible()

    csv_file = tmp_path / "contacts.csv"
    csv_file.write_text(
        "customer,name,email,language,consent,consent_on\n"
        "Lakeside Clinic,Sam Lee,sam@lakeside.example,hi,yes,2026-10-01\n"
        "Lakeside Clinic,Dana M. Scott,DANA@lakeside.example,en,no,\n",
        encoding="utf-8",
    )
    page.goto("/customers/import/")
    visit(name="import-form")
    page.get_by_label("What the file holds").select_option("contacts")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    visit(name="import-preview")
    assert page.get_by_role("heading", name="What the import would do").is_visible()
    changes = page.get_by_role("table", name="What the updates change")
    assert changes.get_by_role("cell", name="Dana M. Scott").is_visible()
    assert Contact.objects.count() == 1
    page.get_by_role("button", name="Import now").click()
    visit(name="import-done")
    assert page.get_by_text("Imported: 1 created, 1 updated.").is_visible()
    page.get_by_role("link", name="See the contacts it created or updated").click()
    visit(name="imported-contacts")
    assert page.get_by_role("link", name="Sam Lee").is_visible()
    assert page.get_by_role("link", name="Dana M. Scott").is_visible()
    assert Contact.objects.count() == 2

    customer = Customer.objects.get(name="Lakeside Clinic")
    page.goto(customer.get_absolute_url())
    page.get_by_role("tab", name="History").click()
    visit(name="customer-history")
    assert page.get_by_role("heading", name="History").is_visible()
    dana = Contact.objects.get(email="dana@lakeside.example")
    assert dana.name == "Dana M. Scott"
    page.goto(dana.get_absolute_url())
    visit(name="contact-history")
    assert page.get_by_text("CSV import").is_visible()


@pytest.mark.parametrize("role", [Role.QUALITY_MANAGER, Role.AUDITOR], ids=["manager", "auditor"])
def test_the_register_pages_pass_the_checks_with_the_demo_data(page, visit, login_as, role):
    call_command("load_demo", force=True)
    login_as(role)
    customer = Customer.objects.filter(kind="organisation", status="active").first()
    contact = customer.contacts.first()
    name = role.name.lower()

    pages = [
        ("/customers/", "customers"),
        ("/customers/?q=example.com&ordering=-contacts", "customers-searched"),
        ("/customers/contacts/?consent=true", "contacts"),
        ("/customers/segments/", "segments"),
        ("/customers/catalogue/", "catalogue"),
        (customer.get_absolute_url(), "customer"),
        (contact.get_absolute_url(), "contact"),
    ]
    if role == Role.QUALITY_MANAGER:
        segment = Segment.objects.first()
        product = ProductService.objects.first()
        pages += [
            (f"/customers/{customer.pk}/edit/", "customer-form"),
            (f"/customers/{customer.pk}/void/", "customer-void"),
            (f"/customers/contacts/{contact.pk}/erase/", "contact-erase"),
            (f"/customers/segments/{segment.pk}/edit/", "segment-form"),
            (f"/customers/catalogue/{product.pk}/edit/", "product-form"),
            ("/customers/import/", "import-form"),
            ("/customers/contacts/suppression/lift/", "suppression-lift"),
        ]
    for path, page_name in pages:
        visit(path, name=f"{name}-{page_name}")

    visit("/customers/segments/", name=f"{name}-segments-again")
    can_edit = page.get_by_role("link", name=f"Edit {Segment.objects.first().name}").count()
    assert can_edit == (1 if role == Role.QUALITY_MANAGER else 0)


def fits(page, selector):
    """Return whether every element the selector finds shows its content without
    scrolling sideways."""
    return page.evaluate(
        f"() => [...document.querySelectorAll('{selector}')]"
        ".every((el) => el.scrollWidth <= el.clientWidth + 1)"
    )


def test_a_long_word_wraps_and_an_erased_person_comes_back_only_once_lifted(page, visit, login_as):
    word = "https://example.com/" + "x" * 170
    customer = CustomerFactory(name=f"Lakeside {word}", notes=f"See {word * 3}.")
    erased = ContactFactory(customer=customer, name="Ann Smith", email="ann@lakeside.example")
    quality_manager = login_as(Role.QUALITY_MANAGER)
    contact_erase(
        contact=erased,
        by=quality_manager,
        requested_by="Ann, by email",
        requested_on=timezone.localdate(),
    )

    visit("/customers/", name="long-word-list")
    assert fits(page, ".table-responsive")
    visit(customer.get_absolute_url(), name="long-word-customer")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    visit(f"/customers/{customer.pk}/contacts/new/", name="contact-form")
    page.get_by_label("Name").fill("Ann Smith")
    page.get_by_label("Email address").fill("ann@lakeside.example")
    page.get_by_role("button", name="Save contact").click()
    visit(name="contact-refused")
    assert page.get_by_text("This address is on the suppression list").is_visible()
    page.get_by_role("link", name="Lift the suppression").click()
    visit(name="suppression-lift")
    page.get_by_label("Email address").fill("ann@lakeside.example")
    page.get_by_label("The person's request").fill("Ann wrote on 1 Dec 2026 asking to rejoin.")
    page.get_by_label("I have the person's new, explicit request").check()
    page.get_by_role("button", name="Lift the suppression").click()
    visit(name="suppression-lifted")
    assert page.get_by_text("The suppression is lifted").is_visible()
    page.get_by_label("Name").fill("Ann Smith")
    page.get_by_label("Email address").fill("ann@lakeside.example")
    page.get_by_role("button", name="Save contact").click()
    visit(name="contact-back")
    assert Contact.objects.filter(email="ann@lakeside.example", erased_at=None).exists()
    visit("/customers/contacts/suppression/lift/", name="suppression-recent-lifts")
    assert page.get_by_text("Ann wrote on 1 Dec 2026 asking to rejoin.").is_visible()
