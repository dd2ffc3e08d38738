"""Query pins of the invitation pages and of a contact's page with its invitations:
the same count for 3 rows as for 30."""

import pytest

from core.roles import Role
from surveys.campaigns.models import InvitationToken, UnsubscribeToken
from surveys.campaigns.services import invitation_email, invitation_withdraw
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    ProductServiceFactory,
    SegmentFactory,
    UserFactory,
)
from tests.queries import Pin, assert_pinned
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import invite, nps_version

pytestmark = pytest.mark.django_db


def invitations(count, user):
    """Invitations in every state, to contacts of different customers."""
    version = nps_version()
    for n in range(count):
        invitation, _ = invite(version=version)
        if n % 4 == 1:
            respond(invitation)
        elif n % 4 == 2:
            respond(invitation, complete=False)
        elif n % 4 == 3:
            invitation_withdraw(invitation=invitation, by=user, reason="Wrong person")


def contact_invitations(count, contact):
    """The contact's invitations: answered, partly answered and withdrawn."""
    manager = UserFactory(role=Role.QUALITY_MANAGER)
    version = nps_version()
    for n in range(count):
        invitation, _ = invite(version=version, contact=contact)
        if n % 2:
            respond(invitation)
            continue
        if n % 4 == 2:
            respond(invitation, complete=False)
        invitation_withdraw(invitation=invitation, by=manager, reason="Asked by phone")


def reminders(count, invitation):
    """Reminder emails with their links, opt-outs used, segments and products."""
    customer = invitation.customer
    for _ in range(count):
        invitation_email(invitation=invitation, kind=InvitationToken.Kind.REMINDER)
        invitation.segments.add(SegmentFactory())
        invitation.products.add(ProductServiceFactory())
        customer.segments.add(SegmentFactory())
    UnsubscribeToken.objects.filter(invitation=invitation, kind="page").update(
        used_at=invitation.created_at
    )


def customer_surveys(count, customer):
    """Invitations to the customer's contacts, some answered, some partly: the
    timeline's entries."""
    version = nps_version()
    for n in range(count):
        invitation, _ = invite(version=version, contact=ContactFactory(customer=customer))
        if n % 3:
            respond(invitation, complete=n % 3 == 1)


def a_customer(user):
    return CustomerFactory(account_owner=user)


def an_invitation(user):
    return invite(by=user)[0]


def a_contact(user):
    return ContactFactory()


HTMX = {"HX-Request": "true", "HX-Target": "list-results"}

PINS = [
    # The session, the user, the permissions; the page's rows and their count; the
    # filter form's questionnaires and versions.
    Pin("surveys:invitation_list", invitations, 8),
    Pin("surveys:invitation_list", invitations, 8, {"progress": "open"}),
    Pin("surveys:invitation_list", invitations, 8, {"q": "example.org"}),
    Pin("surveys:invitation_list", invitations, 6, {"q": "example.org"}, headers=HTMX),
    # The invitation, its segments, products, emails with their links, opt-outs used.
    Pin("surveys:invitation_detail", reminders, 9, record=an_invitation),
    # The contact's page reads its invitations (and how many) in one query more, and
    # the suppression list for whether a survey may go to the contact.
    Pin("customers:contact_detail", contact_invitations, 9, record=a_contact),
    # The customer's timeline reads its invitations and responses in a query each.
    Pin("customers:customer_detail", customer_surveys, 21, record=a_customer),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)
