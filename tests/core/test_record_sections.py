"""A higher app adds a section to a lower app's record page through ``record_sections``:
shown to readers holding its permission, with the context its own selector reads."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core.registries import RecordSection, record_sections, sections_for
from core.roles import Role
from tests.factories import UserFactory, WidgetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    entry = record_sections.register(
        RecordSection(
            key="testapp.widget_parts",
            model="testapp.widget",
            template="core/tests/section.html",
            context=lambda widget, user: {"parts": [f"{widget.name} part", user.email]},
            permission="testapp.change_widget",
        )
    )
    yield entry
    record_sections.unregister(entry.key)


def test_a_section_is_given_to_readers_with_its_permission_only(section, quality_manager):
    widget = WidgetFactory(name="Sprocket")

    assert sections_for(widget, quality_manager) == [
        ("core/tests/section.html", {"parts": ["Sprocket part", quality_manager.email]})
    ]
    assert sections_for(widget, UserFactory(role=Role.STAFF)) == []


def test_a_section_is_only_for_its_own_kind_of_record(section, quality_manager):
    assert sections_for(quality_manager, quality_manager) == []


def test_the_tag_renders_each_section_with_the_record_and_its_context(
    section, quality_manager, settings, tmp_path
):
    (tmp_path / "core" / "tests").mkdir(parents=True)
    (tmp_path / "core" / "tests" / "section.html").write_text(
        "<section>{{ record.name }}: {{ parts|join:', ' }}</section>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    request = RequestFactory().get("/")
    request.user = quality_manager
    widget = WidgetFactory(name="<b>Sprocket</b>")

    html = Template("{% load qms %}{% record_sections widget %}").render(
        Context({"request": request, "widget": widget})
    )

    assert html == (
        f"<section>&lt;b&gt;Sprocket&lt;/b&gt;: &lt;b&gt;Sprocket&lt;/b&gt; part, "
        f"{quality_manager.email}</section>"
    )
