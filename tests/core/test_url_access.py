"""Walk every URL pattern and prove who may open it.

Anonymous visitors are sent to a login page (or get 403) everywhere except the
public pages in core.access; every other page needs a login, and product pages a
model permission that each role holds exactly as core/roles.py says.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize

from core.access import LOGIN_ONLY_URL_NAMES, PUBLIC_URL_NAMES, RECORD_PERMISSION_URL_NAMES
from core.roles import Role, permissions_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Values that fill the URL patterns' parameters; an id that matches no row gives a
# 404 to those allowed in, which still proves the door opened.
SAMPLES = {
    "pk": "999999",
    "id": "999999",
    "object_id": "999999",
    "content_type_id": "1",
    "app_label": "core",
    "model_name": "user",
    "field_name": "email",
    "kind": "contacts",
    "key": "customers",
    "uidb64": "MQ",
    "token": "set-password",
    "url": "no-such-page/",
    "step": "assess",
    "receipt": "not-a-receipt",
    "language": "hi",
    # Unnamed groups (simple-history's admin history pages).
    "_0": "999999",
    "_1": "999999",
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    callback: Any

    @property
    def required_permissions(self) -> tuple[str, ...] | None:
        view = self.callback
        if hasattr(view, "required_permissions"):
            return tuple(view.required_permissions)
        view_class = getattr(view, "view_class", None)
        perms = getattr(view_class, "permission_required", None)
        if perms:
            return (perms,) if isinstance(perms, str) else tuple(perms)
        return None

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.path.startswith("/admin/")


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Page]:
    pages = []
    for entry in patterns:
        regex = prefix + entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            pages += walk(entry.url_patterns, regex, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{regex}>"
            pages.append(Page(name=name, path=sample_path(regex), callback=entry.callback))
    return pages


def sample_path(regex: str) -> str:
    template, params = normalize(regex)[0]
    missing = [p for p in params if p not in SAMPLES]
    assert not missing, f"add sample values for {missing} (pattern {regex})"
    path = "/" + template % {p: SAMPLES[p] for p in params}
    assert re.fullmatch(regex.replace(r"\Z", "").rstrip("$"), path[1:]), f"{path} !~ {regex}"
    return path


PAGES = walk(get_resolver().url_patterns)


def test_the_walk_finds_the_pages_and_each_resolves_to_its_own_view():
    names = {page.name for page in PAGES}
    assert {"home", "login", "healthz", "admin:index"} <= names
    for page in PAGES:
        assert resolve(page.path).func == page.callback, page


def test_public_and_login_only_lists_name_real_pages():
    names = {page.name for page in PAGES}

    assert names >= PUBLIC_URL_NAMES
    assert names >= LOGIN_ONLY_URL_NAMES


def test_every_product_page_declares_a_permission():
    undeclared = [
        page.name
        for page in PAGES
        if not page.is_admin
        and page.name not in PUBLIC_URL_NAMES | LOGIN_ONLY_URL_NAMES | RECORD_PERMISSION_URL_NAMES
        and not page.required_permissions
    ]

    assert not undeclared, "declare a permission, or list the page in core/access.py"


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_anonymous_visitors_reach_only_the_public_pages(client, page):
    response = client.get(page.path)

    if page.name in PUBLIC_URL_NAMES:
        assert not is_login_redirect(response)
        assert response.status_code != 403
    else:
        assert is_login_redirect(response) or response.status_code == 403


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.name.lower())
def test_each_role_reaches_exactly_the_pages_its_permissions_allow(client, role):
    client.force_login(UserFactory(role=role))
    held = {f"{app}.{codename}" for app, codename in permissions_of(role)}
    wrong = []
    for page in PAGES:
        response = client.get(page.path)
        if page.is_admin and page.name != "admin:login":
            allowed = False
            denied = is_login_redirect(response) or response.status_code in (302, 403)
        elif page.name in PUBLIC_URL_NAMES | LOGIN_ONLY_URL_NAMES:
            allowed, denied = True, response.status_code == 403 or is_login_redirect(response)
        elif page.name in RECORD_PERMISSION_URL_NAMES:
            # Its own tests prove the permission; here: signed in, never sent to log in.
            allowed, denied = True, is_login_redirect(response)
        else:
            allowed = set(page.required_permissions or ()) <= held
            denied = response.status_code == 403
        if allowed == denied:
            wrong.append(f"{page.name} {page.path}: {response.status_code}")

    assert not wrong, f"{role.label} got the wrong answer on: {wrong}"


def test_superusers_reach_the_admin_and_role_users_do_not(client, quality_manager):
    admin = UserFactory(is_staff=True, is_superuser=True)
    staff_flag_only = UserFactory(is_staff=True)

    client.force_login(quality_manager)
    assert is_login_redirect(client.get("/admin/"))
    client.force_login(staff_flag_only)
    assert is_login_redirect(client.get("/admin/"))
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
