import pytest
from django.core.management import CommandError, call_command

from core.demo import DEMO_PASSWORD, DEMO_USERS
from core.models import User
from core.services import user_roles

pytestmark = pytest.mark.django_db

# The test runner turns DEBUG off, which load_demo takes for production: force it.


def test_load_demo_twice_creates_each_demo_user_once_with_its_role():
    call_command("load_demo", force=True)
    call_command("load_demo", force=True)

    assert User.objects.count() == len(DEMO_USERS)
    for email, _, role in DEMO_USERS:
        assert user_roles(User.objects.get(email=email)) == [role]


def test_every_printed_demo_login_works(client, capsys):
    call_command("load_demo", force=True)
    call_command("demo_logins")
    printed = capsys.readouterr().out

    for email, _, _ in DEMO_USERS:
        assert email in printed
        response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/accounts/logout/")
    assert DEMO_PASSWORD in printed


def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="looks like production"):
        call_command("load_demo")
    assert not User.objects.exists()
