"""Logging a communication: checked against its customer's timeline and contact, and
changed or voided only by who made it (or a quality manager)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from customers.models import Customer
from feedback.communication import services
from feedback.models import Communication
from tests.factories import ContactFactory, CustomerFactory, UserFactory, WidgetFactory
from tests.feedback.communication.factories import CommunicationFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("feedback:communication_create")


def form(**changes):
    data = {
        "occurred_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "direction": "out",
        "channel": "phone",
        "customer": "",
        "contact": "",
        "audience": "",
        "summary": "Called about the delivery",
        "details": "",
        "handled_by": "",
        "plan_row": "",
    }
    return {**data, **changes}


@pytest.fixture
def staff(client):
    user = UserFactory(role=Role.STAFF)
    client.force_login(user)
    return user


def test_staff_log_a_call_with_a_contact_and_are_named_as_who_made_it(client, staff):
    contact = ContactFactory()

    response = client.post(
        CREATE, form(customer=str(contact.customer.pk), contact=f"#{contact.pk}")
    )

    entry = Communication.objects.get()
    assert response.status_code == 302
    assert response.url == entry.get_absolute_url()
    assert (entry.customer, entry.contact, entry.handled_by, entry.created_by) == (
        contact.customer,
        contact,
        staff,
        staff,
    )
    assert entry.history.get().history_user == staff


def test_an_internal_communication_names_its_audience_instead_of_a_customer(client, staff):
    client.post(CREATE, form(audience="everyone", summary="Town hall on the new objectives"))

    entry = Communication.objects.get()
    assert entry.is_internal
    assert entry.audience == "everyone"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"audience": ""}, "customer", "Choose the customer"),
        ({"audience": "staff", "customer": "CUSTOMER"}, "audience", "no internal audience"),
        ({"customer": "CUSTOMER", "contact": "OTHER_CONTACT"}, "contact", "Choose a contact of"),
        ({"customer": "CUSTOMER", "occurred_at": "FUTURE"}, "occurred_at", "not in the future"),
        ({"customer": "CUSTOMER", "occurred_at": "BEFORE"}, "occurred_at", "was registered on"),
        ({"customer": "CUSTOMER", "summary": "x" * 201}, "summary", "at most 200"),
    ],
)
def test_a_communication_that_does_not_fit_is_refused_with_a_reason_and_nothing_saved(
    client, staff, changes, field, message
):
    customer = CustomerFactory()
    other = ContactFactory()
    values = {
        "CUSTOMER": str(customer.pk),
        "OTHER_CONTACT": f"#{other.pk}",
        "FUTURE": (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "BEFORE": (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    data = form(**{key: values.get(value, value) for key, value in changes.items()})

    response = client.post(CREATE, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert not Communication.objects.exists()


def test_script_in_a_summary_is_shown_as_text(client, staff):
    entry = CommunicationFactory(summary="<script>alert(1)</script>", handled_by=staff)

    body = client.get(entry.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_what_caused_it_is_linked_from_the_form_address_when_the_person_may_view_it(client):
    widget = WidgetFactory(name="Pump W-9")
    contact = ContactFactory()
    # Someone who logs communications but may not view widgets: the link is left out.
    logger = UserFactory()
    logger.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="feedback",
            codename__in=["add_communication", "view_communication"],
        )
    )
    client.force_login(logger)
    client.post(
        f"{CREATE}?about=testapp.widget:{widget.pk}",
        form(customer=str(contact.customer.pk)),
    )
    assert Communication.objects.get().caused_by is None

    client.force_login(UserFactory(role=Role.STAFF))
    client.post(
        f"{CREATE}?about=testapp.widget:{widget.pk}",
        form(customer=str(contact.customer.pk), summary="Second"),
    )
    entry = Communication.objects.get(summary="Second")
    assert entry.caused_by == widget
    assert widget.get_absolute_url() in client.get(entry.get_absolute_url()).content.decode()


def test_only_who_made_it_or_a_quality_manager_changes_or_voids_it(client):
    maker = UserFactory(role=Role.STAFF)
    entry = CommunicationFactory(handled_by=maker)
    edit = reverse("feedback:communication_edit", args=[entry.pk])
    void = reverse("feedback:communication_void", args=[entry.pk])

    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(edit).status_code == 403
    assert client.post(void, {"reason": "x"}).status_code == 403

    client.force_login(maker)
    assert client.get(edit).status_code == 200
    data = form(
        customer=str(entry.customer_id),
        contact=str(entry.contact_id),
        occurred_at=timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        summary="Called about the late delivery",
        reason="Clearer summary",
    )
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    entry.refresh_from_db()
    assert entry.summary == "Called about the late delivery"
    assert entry.history.first().history_change_reason == "Clearer summary"

    client.force_login(UserFactory(role=Role.QUALITY_MANAGER))
    assert client.post(void, {"reason": "Logged twice"}).status_code == 302
    entry.refresh_from_db()
    assert entry.is_voided
    assert client.get(edit).status_code == 302  # a voided record is not edited


def test_auditors_read_the_log_and_cannot_add_to_it(client):
    entry = CommunicationFactory()
    client.force_login(UserFactory(role=Role.AUDITOR))

    assert client.get(reverse("feedback:communication_list")).status_code == 200
    assert client.get(entry.get_absolute_url()).status_code == 200
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form(audience="staff")).status_code == 403


def test_a_voided_customer_cannot_be_chosen_for_a_new_communication(staff):
    customer = CustomerFactory()
    Customer.objects.filter(pk=customer.pk).update(voided_at=timezone.now())
    customer.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.communication_record(
            communication=Communication(
                channel="phone",
                occurred_at=timezone.now(),
                customer=customer,
                summary="x",
                handled_by=staff,
            ),
            by=staff,
        )
    assert "customer" in refused.value.message_dict
