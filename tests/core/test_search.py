"""The header search and its registry: a higher app (the test app) adds its records;
each kind shows only to those who may view it."""

import re

import pytest
from django.contrib.auth.models import Permission

from core.registries import SEARCH_RESULTS_PER_KIND, SearchProvider, search, search_for
from core.roles import Role, permissions_of
from tests.factories import UserFactory, WidgetFactory

pytestmark = pytest.mark.django_db


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_every_page_has_a_labelled_search_landmark_in_its_header(client, quality_manager):
    client.force_login(quality_manager)

    html = client.get("/").content.decode()

    header = html[html.index("<header>") : html.index("</header>")]
    assert re.search(r'<form[^>]*action="/search/"[^>]*role="search"', header)
    assert 'aria-label="All records"' in header
    assert '<label class="visually-hidden" for="site-search">' in header


@pytest.mark.parametrize("text", ["", " ", "W", " W "])
def test_an_empty_or_one_character_search_shows_a_hint_and_no_records(
    client, quality_manager, text
):
    WidgetFactory(name="Widget W")
    client.force_login(quality_manager)

    response = client.get("/search/", {"q": text})

    assert response.status_code == 200
    assert "Widget W" not in main(response)
    kinds = (
        "customers, contacts, needs, requirements, commitments, feedback, communications, "
        "survey responses, widgets"
    )
    assert f"among: {kinds}." in main(response)
    if text.strip():
        assert "Type at least 2 characters to search." in main(response)


def test_the_search_page_without_a_query_says_what_it_finds(client, quality_manager):
    client.force_login(quality_manager)

    response = client.get("/search/")

    assert "Type a name, an email address, a reference or a title" in main(response)


def test_a_search_longer_than_the_limit_is_refused_with_the_limit(client, quality_manager):
    WidgetFactory(name="x" * 100)  # the longest name a widget takes
    client.force_login(quality_manager)

    response = client.get("/search/", {"q": "x" * 101})

    assert "Search for at most 100 characters (you typed 101)." in main(response)
    assert "records match" not in main(response)


def test_a_later_app_adds_its_records_through_the_registry(client, quality_manager):
    sprocket = WidgetFactory(name="Blue sprocket")
    WidgetFactory(name="Green gear")
    client.force_login(quality_manager)

    response = client.get("/search/", {"q": "sprocket"})

    html = main(response)
    assert '<h2 class="h4" id="results-testappwidgets">Widgets' in html
    assert f'<a href="/testapp/widgets/{sprocket.pk}/">Blue sprocket</a>' in html
    assert "Green gear" not in html
    assert "1 record matches." in html
    assert (
        "Nothing found among: customers, contacts, needs, requirements, commitments, feedback, "
        "communications, survey responses." in html
    )


def test_the_results_show_a_few_of_each_kind_and_link_to_them_all(client, quality_manager):
    WidgetFactory.create_batch(SEARCH_RESULTS_PER_KIND + 3, name="Sprocket")
    client.force_login(quality_manager)

    html = main(client.get("/search/", {"q": "sprock"}))

    assert len(re.findall(r'href="/testapp/widgets/\d+/"', html)) == SEARCH_RESULTS_PER_KIND
    total = SEARCH_RESULTS_PER_KIND + 3
    assert f'<a href="/testapp/widgets/?q=sprock">Show all {total} widgets</a>' in html
    assert f'{total}<span class="visually-hidden"> found</span>' in html


def test_a_kind_shows_only_to_those_who_may_view_it(client):
    WidgetFactory(name="Sprocket")
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(reader)

    html = main(client.get("/search/", {"q": "sprocket"}))

    assert "Sprocket" not in html
    assert "widgets" not in html.lower()
    assert "0 records match. Nothing found among: customers." in html


def test_a_person_who_may_view_nothing_is_told_so(client):
    client.force_login(UserFactory())

    assert "Your role lets you view no records" in main(client.get("/search/"))
    assert search_for(UserFactory(), "sprocket") == []


def test_search_for_counts_every_match_in_one_query_per_kind(
    quality_manager, django_assert_num_queries
):
    WidgetFactory.create_batch(12, name="Sprocket")
    quality_manager.has_perm("testapp.view_widget")  # the permissions, loaded once

    with django_assert_num_queries(len([p for p in search if p.permission])):
        groups = search_for(quality_manager, "sprocket", limit=5)

    widgets = next(group for group in groups if group.key == "testapp.widgets")
    assert (len(widgets.hits), widgets.total, widgets.more) == (5, 12, True)
    assert widgets.hits[0].summary == "Open"


def test_a_kind_is_registered_once():
    with pytest.raises(ValueError, match="already"):
        search.register(
            SearchProvider(
                key="testapp.widgets",
                label="Widgets again",
                search=lambda text: None,
                list_url_name="testapp:widget_list",
            )
        )


def test_each_role_searches_the_kinds_its_permissions_allow(client):
    for role in Role:
        held = {f"{app}.{codename}" for app, codename in permissions_of(role)}
        user = UserFactory(role=role)
        expected = [p.label for p in search if p.permission in held]
        assert [group.label for group in search_for(user, "zz")] == expected, role
