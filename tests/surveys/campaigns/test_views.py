"""Staff pages of invitations: sending one by hand, its page, withdrawing it, the list,
and the invitations section of a contact's page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import OutboundEmail
from core.roles import Role
from customers.models import Customer, SuppressedEmail, email_hash
from surveys.campaigns.models import Invitation, InvitationToken, UnsubscribeToken
from surveys.campaigns.services import invitation_withdraw
from tests.factories import ContactFactory, ProductServiceFactory, SegmentFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import (
    QuestionnaireFactory,
    approve,
    invite,
    nps_version,
    reminder_token,
    void_builtins,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


def send_url(contact):
    return reverse("surveys:invitation_send", args=[contact.pk])


# Sending by hand -----------------------------------------------------------------------


def test_a_quality_manager_sends_an_approved_version_and_the_email_is_queued(
    signed_in, quality_manager
):
    version = nps_version()
    contact = ContactFactory(language="hi")

    response = signed_in.post(send_url(contact), {"version": version.pk}, follow=True)

    invitation = Invitation.objects.get(contact=contact)
    assert invitation.version == version
    assert invitation.created_by == quality_manager
    assert invitation.language == "hi"
    email = OutboundEmail.objects.get(recipient=contact.email)
    assert email.purpose == "survey invitation"
    assert response.redirect_chain[-1][0] == invitation.get_absolute_url()
    html = response.content.decode()
    assert "is queued for sending" in html
    assert reverse("feedback:communication_email", args=[email.pk]) in html


def test_the_send_page_offers_only_sendable_versions(signed_in):
    void_builtins()
    approved = nps_version()
    draft = nps_version(approved=False)
    voided = nps_version()
    voided.questionnaire.voided_at = timezone.now()
    voided.questionnaire.void_reason = "Replaced"
    voided.questionnaire.save()

    response = signed_in.get(send_url(ContactFactory()))

    offered = [pk for pk, _label in response.context["form"].fields["version"].choices]
    assert offered == [approved.pk]
    assert draft.pk not in offered


def test_a_draft_version_posted_anyway_is_refused_and_nothing_is_sent(signed_in):
    nps_version()
    draft = nps_version(approved=False)
    contact = ContactFactory()

    response = signed_in.post(send_url(contact), {"version": draft.pk})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"opted_out": True}, "opted out of surveys"),
        ({"consent": False, "consent_on": None, "consent_source": ""}, "has not consented"),
        ({"bounced": True}, "bounced"),
    ],
)
def test_why_a_contact_cannot_be_surveyed_shows_before_submitting(signed_in, fields, reason):
    nps_version()
    contact = ContactFactory(**fields)

    html = signed_in.get(send_url(contact)).content.decode()

    assert reason in html
    assert 'disabled aria-describedby="send-refusal"' in html
    assert 'name="version"' not in html


def test_a_post_for_a_contact_who_cannot_be_surveyed_stores_nothing(signed_in):
    version = nps_version()
    contact = ContactFactory(opted_out=True)

    response = signed_in.post(send_url(contact), {"version": version.pk})

    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_version_with_an_open_invitation_is_listed_as_refused_with_why(signed_in):
    void_builtins()
    version = nps_version()
    other = nps_version()
    contact = ContactFactory()
    invite(version=version, contact=contact)

    response = signed_in.get(send_url(contact))

    html = response.content.decode()
    assert [v for v, _why in response.context["refused"]] == [version]
    assert "already has an open invitation" in html
    assert [pk for pk, _ in response.context["form"].fields["version"].choices] == [other.pk]


def test_with_no_approved_version_the_page_says_to_approve_one(signed_in):
    void_builtins()
    nps_version(approved=False)

    html = signed_in.get(send_url(ContactFactory())).content.decode()

    assert "No questionnaire version is approved yet" in html
    assert "disabled" in html


def test_an_erased_contact_is_not_offered_the_send_action(signed_in):
    contact = ContactFactory(erased_at=timezone.now())

    html = signed_in.get(contact.get_absolute_url()).content.decode()

    assert send_url(contact) not in html


@pytest.mark.parametrize("role", [Role.TOP_MANAGEMENT, Role.STAFF, Role.AUDITOR])
def test_only_quality_managers_may_send(client, role_user, role):
    version = nps_version()
    contact = ContactFactory()
    client.force_login(role_user(role))

    assert client.get(send_url(contact)).status_code == 403
    assert client.post(send_url(contact), {"version": version.pk}).status_code == 403
    assert send_url(contact) not in client.get(contact.get_absolute_url()).content.decode()
    assert not Invitation.objects.exists()


def test_sending_to_a_contact_that_does_not_exist_is_404(signed_in):
    assert signed_in.get(reverse("surveys:invitation_send", args=[999999])).status_code == 404


# The contact's page --------------------------------------------------------------------


def test_the_contact_page_lists_their_invitations_with_state_and_response(signed_in):
    contact = ContactFactory()
    answered, _ = invite(contact=contact)
    response = respond(answered)
    waiting, _ = invite(contact=contact)

    html = signed_in.get(contact.get_absolute_url()).content.decode()

    assert 'id="surveys-heading"' in html
    assert answered.get_absolute_url() in html
    assert waiting.get_absolute_url() in html
    assert response.get_absolute_url() in html
    assert "Answered" in html
    assert "Sent, not answered" in html
    assert send_url(contact) in html


def test_the_contact_page_says_when_no_survey_was_sent(signed_in):
    contact = ContactFactory()

    html = signed_in.get(contact.get_absolute_url()).content.decode()

    assert "No survey was sent to this contact yet." in html


@pytest.mark.parametrize("role", [Role.TOP_MANAGEMENT, Role.STAFF, Role.AUDITOR])
def test_every_reader_sees_the_section_without_the_send_action(client, role_user, role):
    contact = ContactFactory()
    invitation, _ = invite(contact=contact)
    client.force_login(role_user(role))

    html = client.get(contact.get_absolute_url()).content.decode()

    assert invitation.get_absolute_url() in html
    assert send_url(contact) not in html


def test_the_contact_page_links_to_all_their_invitations_past_the_first_few(signed_in):
    contact = ContactFactory()
    for _ in range(11):
        invite(contact=contact, version=nps_version())

    html = signed_in.get(contact.get_absolute_url()).content.decode()

    assert f"{reverse('surveys:invitation_list')}?contact={contact.pk}" in html
    assert "See all 11 invitations" in html


# An invitation's page ------------------------------------------------------------------


def test_the_invitation_page_shows_the_recorded_snapshot_and_each_email_never_the_token(
    signed_in,
):
    contact = ContactFactory(language="hi")
    segment, product = SegmentFactory(name="Hospitals"), ProductServiceFactory(name="Pumps")
    contact.customer.segments.add(segment)
    contact.customer.products.add(product)
    invitation, token = invite(contact=contact)
    contact.customer.segments.remove(segment)

    html = signed_in.get(invitation.get_absolute_url()).content.decode()

    assert "Hospitals" in html
    assert "Pumps" in html
    assert "Hindi" in html or "हिन्दी" in html
    assert token not in html
    assert InvitationToken.objects.get(invitation=invitation).token_hash not in html
    email = OutboundEmail.objects.get(recipient=contact.email)
    assert reverse("feedback:communication_email", args=[email.pk]) in html


def test_the_invitation_page_shows_the_unsubscribe_links_used(signed_in):
    invitation, _ = invite()
    used_at = timezone.now()
    UnsubscribeToken.objects.filter(invitation=invitation, kind="page").update(used_at=used_at)

    html = signed_in.get(invitation.get_absolute_url()).content.decode()

    assert "Unsubscribe page" in html
    assert "One-click unsubscribe" not in html


def test_an_invitation_that_does_not_exist_is_404(signed_in):
    assert signed_in.get(reverse("surveys:invitation_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_an_invitation_and_only_quality_managers_may_withdraw(
    client, role_user, role
):
    invitation, _ = invite()
    client.force_login(role_user(role))

    html = client.get(invitation.get_absolute_url()).content.decode()

    withdraw = reverse("surveys:invitation_withdraw", args=[invitation.pk])
    assert (withdraw in html) == (role == Role.QUALITY_MANAGER)
    assert (client.get(withdraw).status_code == 200) == (role == Role.QUALITY_MANAGER)


# Withdrawing ---------------------------------------------------------------------------


def withdraw_url(invitation):
    return reverse("surveys:invitation_withdraw", args=[invitation.pk])


def test_withdrawing_with_a_reason_stops_the_invitation(signed_in, quality_manager):
    invitation, _ = invite()

    response = signed_in.post(withdraw_url(invitation), {"reason": "Sent to the wrong person"})

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.WITHDRAWN
    assert invitation.withdrawn_by == quality_manager
    assert invitation.withdraw_reason == "Sent to the wrong person"
    html = signed_in.get(invitation.get_absolute_url()).content.decode()
    assert "Sent to the wrong person" in html
    assert withdraw_url(invitation) not in html


def test_withdrawing_without_a_reason_is_refused(signed_in):
    invitation, _ = invite()

    response = signed_in.post(withdraw_url(invitation), {"reason": "   "})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_an_answered_invitation_cannot_be_withdrawn(signed_in):
    invitation, _ = invite()
    respond(invitation)

    response = signed_in.post(withdraw_url(invitation), {"reason": "Too late"})

    assert "an answer cannot be withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None
    page = signed_in.get(invitation.get_absolute_url()).content.decode()
    assert withdraw_url(invitation) not in page


def test_a_partly_answered_invitation_can_be_withdrawn(signed_in):
    invitation, _ = invite()
    respond(invitation, complete=False)

    signed_in.post(withdraw_url(invitation), {"reason": "The customer asked to stop"})

    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None


def test_withdrawing_twice_is_refused(signed_in, quality_manager):
    invitation, _ = invite()
    invitation_withdraw(invitation=invitation, by=quality_manager, reason="Wrong contact")

    response = signed_in.post(withdraw_url(invitation), {"reason": "Again"})

    assert "already withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.withdraw_reason == "Wrong contact"


@pytest.mark.parametrize("role", [Role.TOP_MANAGEMENT, Role.STAFF, Role.AUDITOR])
def test_only_quality_managers_may_withdraw(client, role_user, role):
    invitation, _ = invite()
    client.force_login(role_user(role))

    assert client.post(withdraw_url(invitation), {"reason": "No"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


# The list ------------------------------------------------------------------------------


def listed(client, **params):
    response = client.get(reverse("surveys:invitation_list"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"]}


def test_the_list_filters_by_state(signed_in, quality_manager):
    answered, _ = invite()
    respond(answered)
    partial, _ = invite()
    respond(partial, complete=False)
    open_, _ = invite()
    withdrawn, _ = invite()
    invitation_withdraw(invitation=withdrawn, by=quality_manager, reason="Wrong person")
    expired, _ = invite()
    InvitationToken.objects.filter(invitation=expired).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    assert listed(signed_in, progress="answered") == {answered.pk}
    assert listed(signed_in, progress="partial") == {partial.pk}
    assert listed(signed_in, progress="open") == {open_.pk}
    assert listed(signed_in, progress="withdrawn") == {withdrawn.pk}
    assert listed(signed_in, progress="expired") == {expired.pk}


def test_a_reminder_keeps_an_invitation_open_past_its_first_links_expiry(signed_in):
    invitation, _ = invite()
    reminder_token(invitation)
    first = InvitationToken.objects.filter(invitation=invitation).order_by("pk").first()
    InvitationToken.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    assert listed(signed_in, progress="open") == {invitation.pk}
    assert listed(signed_in, progress="expired") == set()


def test_the_list_filters_by_questionnaire_version_customer_contact_and_text(signed_in):
    first, second = nps_version(), nps_version()
    one, _ = invite(version=first, name="Zorabella Quixworth")
    two, _ = invite(version=second)

    assert listed(signed_in, questionnaire=first.questionnaire_id) == {one.pk}
    assert listed(signed_in, version=second.pk) == {two.pk}
    assert listed(signed_in, customer=two.customer_id) == {two.pk}
    assert listed(signed_in, contact=one.contact_id) == {one.pk}
    assert listed(signed_in, q="quixworth") == {one.pk}
    assert listed(signed_in, q=two.customer.name) == {two.pk}


def test_the_list_filters_by_the_day_it_was_made(signed_in):
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        old, _ = invite()
    new, _ = invite()
    today = timezone.localdate().isoformat()

    assert listed(signed_in, date_from=today) == {new.pk}
    assert listed(signed_in, date_to=(timezone.localdate() - timedelta(days=5)).isoformat()) == {
        old.pk
    }


def test_the_version_filter_offers_only_versions_something_was_sent_with(signed_in):
    draft = nps_version(approved=False)
    unused = approve(nps_version(approved=False))
    used = nps_version()
    invite(version=used)
    QuestionnaireFactory()

    response = signed_in.get(reverse("surveys:invitation_list"))

    versions = [pk for pk, _ in response.context["filter"].form.fields["version"].choices if pk]
    offered = [int(str(pk)) for pk in versions]
    assert used.pk in offered
    assert draft.pk not in offered
    assert unused.pk not in offered


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_list(client, role_user, role):
    invite()
    client.force_login(role_user(role))

    assert client.get(reverse("surveys:invitation_list")).status_code == 200


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("surveys:invitation_list"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_withdrawing_an_invitation_that_does_not_exist_is_404(signed_in):
    missing = reverse("surveys:invitation_withdraw", args=[999999])

    assert signed_in.get(missing).status_code == 404
    assert signed_in.post(missing, {"reason": "Gone"}).status_code == 404


def test_the_withdraw_page_asks_why(signed_in):
    invitation, _ = invite()

    html = signed_in.get(withdraw_url(invitation)).content.decode()

    assert "Why is this invitation withdrawn?" in html
    assert "Withdraw the invitation" in html


@pytest.mark.parametrize("blocked", ["customer void", "address suppressed"])
def test_the_contact_page_gives_the_send_pages_reason_not_a_promise(signed_in, blocked):
    nps_version()
    contact = ContactFactory()
    if blocked == "customer void":
        Customer.objects.filter(pk=contact.customer_id).update(
            voided_at=timezone.now(), void_reason="Duplicate"
        )
    else:
        SuppressedEmail.objects.create(
            email_hash=email_hash(contact.email), reason=SuppressedEmail.Reason.UNSUBSCRIBED
        )
    contact.refresh_from_db()
    reason = contact.survey_refusal()
    assert reason

    page = signed_in.get(contact.get_absolute_url()).content.decode()
    send = signed_in.get(send_url(contact)).content.decode()

    assert "surveys can go to this contact" not in page
    assert escape(reason) in page
    assert escape(reason) in send
