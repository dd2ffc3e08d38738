"""Unsubscribing: the page confirms and records on a post with CSRF; the RFC 8058
one-click endpoint takes the mail client's post without one, and its own token."""

import pytest
from django.test import Client

from customers.models import Contact
from surveys.campaigns import links
from surveys.campaigns.models import UnsubscribeToken
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def tokens():
    contact = ContactFactory(email="meera.iyer@example.in", language="en")
    return contact, links.unsubscribe_tokens_create(contact=contact)


def page_url(token):
    return f"/p/unsubscribe/{token}/"


def one_click_url(token):
    return f"/p/unsubscribe/one-click/{token}/"


def opted_out(contact):
    return Contact.objects.values_list("opted_out", flat=True).get(pk=contact.pk)


def test_the_page_asks_to_confirm_and_changes_nothing(client, tokens):
    contact, made = tokens

    for method in (client.get, client.head):
        shown = method(page_url(made[UnsubscribeToken.Kind.PAGE]))
        assert shown.status_code == 200

    page = client.get(page_url(made[UnsubscribeToken.Kind.PAGE])).content.decode()
    assert "m•••@example.in" in page
    assert "meera.iyer@" not in page
    assert not opted_out(contact)
    assert not UnsubscribeToken.objects.filter(used_at__isnull=False).exists()


def test_the_pages_post_with_its_csrf_token_records_the_opt_out_and_its_time():
    contact = ContactFactory(language="en")
    token = links.unsubscribe_tokens_create(contact=contact)[UnsubscribeToken.Kind.PAGE]
    client = Client(enforce_csrf_checks=True)
    client.get(page_url(token))

    done = client.post(page_url(token), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert done.status_code == 200
    assert "You will receive no more surveys" in done.content.decode()
    contact.refresh_from_db()
    assert contact.opted_out
    assert contact.opted_out_at is not None
    assert UnsubscribeToken.objects.get(kind="page").used_at is not None


def test_the_pages_post_without_a_csrf_token_is_refused_and_changes_nothing(tokens):
    contact, made = tokens
    client = Client(enforce_csrf_checks=True)

    refused = client.post(page_url(made[UnsubscribeToken.Kind.PAGE]), {})

    assert refused.status_code == 403
    assert not opted_out(contact)


def test_the_one_click_post_works_without_a_csrf_token(tokens):
    contact, made = tokens
    client = Client(enforce_csrf_checks=True)

    done = client.post(one_click_url(made[UnsubscribeToken.Kind.ONE_CLICK]), ONE_CLICK)

    assert done.status_code == 200
    assert opted_out(contact)
    again = client.post(one_click_url(made[UnsubscribeToken.Kind.ONE_CLICK]), ONE_CLICK)
    assert again.status_code == 200


def test_the_one_click_get_only_shows_the_confirmation(client, tokens):
    contact, made = tokens

    shown = client.get(one_click_url(made[UnsubscribeToken.Kind.ONE_CLICK]))

    assert shown.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in shown.content.decode()
    assert not opted_out(contact)


def test_a_one_click_post_without_its_body_changes_nothing(client, tokens):
    contact, made = tokens

    refused = client.post(one_click_url(made[UnsubscribeToken.Kind.ONE_CLICK]), {"x": "y"})

    assert refused.status_code == 400
    assert not opted_out(contact)


@pytest.mark.parametrize("which", ["unknown", "page-token-on-one-click", "one-click-on-page"])
def test_a_wrong_token_is_not_found_and_changes_nothing(client, tokens, which):
    contact, made = tokens
    url = {
        "unknown": one_click_url("nonsense"),
        "page-token-on-one-click": one_click_url(made[UnsubscribeToken.Kind.PAGE]),
        "one-click-on-page": page_url(made[UnsubscribeToken.Kind.ONE_CLICK]),
    }[which]

    refused = client.post(url, ONE_CLICK)

    assert refused.status_code == 404
    assert "This unsubscribe link does not work" in refused.content.decode()
    assert not opted_out(contact)


def test_an_expired_unsubscribe_link_changes_nothing(client, tokens):
    contact, made = tokens
    UnsubscribeToken.objects.update(expires_at="2000-01-01T00:00:00Z")

    assert client.post(one_click_url(made["one_click"]), ONE_CLICK).status_code == 404
    assert client.get(page_url(made["page"])).status_code == 404
    assert not opted_out(contact)


def test_the_unsubscribe_pages_speak_the_contacts_language(client):
    contact = ContactFactory(language="hi")
    made = links.unsubscribe_tokens_create(contact=contact)

    page = client.get(page_url(made["page"])).content.decode()
    done = client.post(one_click_url(made["one_click"]), ONE_CLICK).content.decode()

    assert '<html lang="hi">' in page
    assert '<html lang="hi">' in done
