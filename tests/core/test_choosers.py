"""Choosing records by typing (core.choosers): how a typed value reads, what the
suggestions offer and to whom, and that no page lists a whole register in a drop-down."""

import html
import re

import pytest
from django import forms
from django.urls import reverse

from core.choosers import ChooserField, ChooserMultipleField
from core.roles import Role
from customers.models import Customer, Requirement
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    NeedFactory,
    ProductServiceFactory,
    RequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class CustomerForm(forms.Form):
    customer = ChooserField("customers", Customer.objects.active(), label="Customer")


class RequirementsForm(forms.Form):
    requirements = ChooserMultipleField(
        "requirements", Requirement.objects.active(), required=False, label="Requirements"
    )


def chosen(form, name="customer"):
    assert form.is_valid(), form.errors
    return form.cleaned_data[name]


def refusal(form, name="customer"):
    assert not form.is_valid()
    return " ".join(form.errors[name])


def test_a_number_a_hash_number_and_a_chosen_title_each_name_the_record():
    acme = CustomerFactory(name="Acme 2000 Ltd")

    for typed in (str(acme.pk), f"#{acme.pk}", f"Acme 2000 Ltd (#{acme.pk})", f" {acme.pk} "):
        assert chosen(CustomerForm({"customer": typed})) == acme
    # A chosen title names its record even when the name has changed since.
    assert chosen(CustomerForm({"customer": f"Old name (#{acme.pk})"})) == acme


def test_words_that_find_one_record_name_it_and_a_number_in_a_name_is_a_word():
    acme = CustomerFactory(name="Unit 42 Traders")
    CustomerFactory(name="Bharat Textiles")

    assert chosen(CustomerForm({"customer": "unit 42"})) == acme
    assert chosen(CustomerForm({"customer": "42 trad"})) == acme


def test_words_that_find_several_are_refused_with_the_first_few_and_their_numbers():
    first = CustomerFactory(name="Apollo Alpha")
    last = CustomerFactory(name="Apollo Zulu")
    for n in range(5):
        CustomerFactory(name=f"Apollo Branch {n}")

    message = html.unescape(refusal(CustomerForm({"customer": "apollo"})))

    assert message.startswith("Several customers match “apollo”: ")
    assert f"Apollo Alpha (#{first.pk})" in message
    assert f"Apollo Zulu (#{last.pk})" not in message  # seventh by name: "and more"
    assert "and more" in message
    assert "the number after #" in message


def test_what_names_no_record_that_may_be_chosen_is_refused_and_says_why():
    voided = CustomerFactory(name="Gone Ltd", voided_at="2026-01-01T00:00:00Z")

    assert "No customer matches “zzz”" in refusal(CustomerForm({"customer": "zzz"}))
    assert f"No customer with the number {voided.pk} can be chosen here." in refusal(
        CustomerForm({"customer": str(voided.pk)})
    )
    for typed in ("²", "٣", "99999999999999999999999"):
        assert refusal(CustomerForm({"customer": typed}))


def test_a_requirement_is_named_by_its_reference():
    requirement = RequirementFactory(title="Certificates on the day")

    form = RequirementsForm({"requirements": [f"REQ-{requirement.pk:04}"]})

    assert list(chosen(form, "requirements")) == [requirement]


def test_several_records_combine_ticked_ids_and_typed_text_once_each():
    first = RequirementFactory(title="Certificates on the day")
    second = RequirementFactory(title="Night-time deliveries")

    form = RequirementsForm({"requirements": [str(first.pk), "night-time", str(first.pk), ""]})
    assert set(chosen(form, "requirements")) == {first, second}

    refused = RequirementsForm({"requirements": [str(first.pk), "nothing like it"]})
    assert "No requirement matches “nothing like it”" in refusal(refused, "requirements")
    # The ticked one stays ticked and the text stays in the field to correct.
    page = str(refused["requirements"])
    assert f'value="{first.pk}" id="id_requirements-chosen-{first.pk}" checked' in page
    assert 'value="nothing like it"' in page


def test_the_suggestions_find_by_words_or_number_escape_text_and_need_the_view_permission(
    client,
):
    acme = CustomerFactory(name="Acme <b>Tools</b>")
    CustomerFactory(name="Bharat Textiles")
    url = reverse("choose", args=["customers"])

    client.force_login(UserFactory(role=Role.QUALITY_MANAGER))
    page = client.get(url, {"field": "customer", "customer": "acme", "list": "id_x-options"})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('role="option"') == 1
    assert "Acme &lt;b&gt;Tools&lt;/b&gt;" in text
    assert f'data-pk="{acme.pk}"' in text
    assert 'id="id_x-options-0"' in text
    assert f'data-value="Acme &lt;b&gt;Tools&lt;/b&gt; (#{acme.pk})"' in text

    by_number = client.get(url, {"q": str(acme.pk)}).content.decode()
    assert f'data-pk="{acme.pk}"' in by_number
    nothing = client.get(url, {"q": "zzz", "list": '"><script>'}).content.decode()
    assert "No customer matches “zzz”." in nothing
    assert "<script>" not in nothing
    assert client.get(reverse("choose", args=["nothing"]), {"q": "a"}).status_code == 404

    client.force_login(UserFactory())  # no role: may not view customers
    assert client.get(url, {"q": "acme"}).status_code == 403


def test_a_list_filter_takes_a_number_or_a_chosen_title_and_refuses_several(client):
    mine, other = CustomerFactory(name="Apollo Labs"), CustomerFactory(name="Apollo Rail")
    RequirementFactory(customer=mine, title="Mine only")
    RequirementFactory(customer=other, title="Theirs only")
    client.force_login(UserFactory(role=Role.QUALITY_MANAGER))
    url = reverse("customers:requirement_list")

    for value in (str(mine.pk), f"Apollo Labs (#{mine.pk})", "labs"):
        page = client.get(url, {"customer": value}).content.decode()
        assert "Mine only" in page
        assert "Theirs only" not in page
        assert f'value="Apollo Labs (#{mine.pk})"' in page

    several = html.unescape(client.get(url, {"customer": "apollo"}).content.decode())
    assert "Several customers match “apollo”" in several
    assert "Mine only" not in several


def option_count(page: str) -> int:
    return len(re.findall(r"<option\b", page))


PAGES = [
    "customers:customer_list",
    "customers:customer_create",
    "customers:contact_list",
    "customers:need_list",
    "customers:need_create",
    "customers:requirement_list",
    "customers:requirement_create",
    "customers:commitment_list",
    "customers:commitment_create",
    "customers:review_list",
]


def test_no_form_or_filter_offers_more_options_as_the_registers_grow(client):
    client.force_login(UserFactory(is_superuser=True))

    def options() -> dict[str, int]:
        return {name: option_count(client.get(reverse(name)).content.decode()) for name in PAGES}

    product = ProductServiceFactory()  # the catalogue is short: a drop-down is right

    def grow() -> None:
        for _ in range(4):
            customer = CustomerFactory()
            ContactFactory(customer=customer)
            NeedFactory(customer=customer)
            RequirementFactory(
                customer=customer, product=product, status=Requirement.Status.ACCEPTED
            )
            RequirementFactory(product=product, status=Requirement.Status.ACCEPTED)
            UserFactory(role=Role.STAFF)

    grow()
    before = options()
    grow()
    assert options() == before
