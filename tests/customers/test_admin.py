"""The admin's forms choose a customer or a person by id, never from a drop-down of
the whole register."""

import re

import pytest

from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/admin/customers/contact/add/", "customer"),
        ("/admin/customers/customer/add/", "account_owner"),
    ],
)
def test_the_admin_names_a_customer_or_an_owner_by_id(client, path, field):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for _ in range(3):
        ContactFactory(customer=CustomerFactory(account_owner=UserFactory()))
    page = client.get(path).content.decode()

    assert re.search(rf'<input type="text" name="{field}"[^>]*vForeignKeyRawIdAdminField', page)
    assert not re.search(rf'<select name="{field}"', page)
