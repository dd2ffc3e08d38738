from django.apps import AppConfig
from django.urls import reverse

from core import registries
from core.roles import AU, QM, ROLE_MAP, ST, TM, grants, tracked


class TestappConfig(AppConfig):
    """Stands for a feature app above core: fills core's registries and role map."""

    name = "tests.testapp"
    label = "testapp"

    def ready(self) -> None:

        ROLE_MAP.update(
            {
                **tracked(
                    "testapp.widget",
                    grants(view={TM, QM, ST, AU}, add={QM}, change={QM}),
                ),
                "testapp.widgetpart": grants(view={QM, AU}, add={QM}),
            }
        )
        registries.navigation.register(
            registries.NavItem(
                key="testapp.widgets",
                label="Widgets",
                url_name="testapp:widget_list",
                permission="testapp.view_widget",
                description="Widgets the test app keeps.",
            )
        )
        registries.home_panels.register(
            registries.HomePanel(
                key="testapp.panel",
                title="Widgets to inspect",
                template="testapp/home_panel.html",
                permission="testapp.change_widget",
                context=lambda request: {"widget_count": 3},
            )
        )
        registries.record_actions.register(
            registries.RecordAction(
                key="testapp.inspect",
                label="Inspect this widget",
                model="testapp.widget",
                url=lambda widget: reverse("testapp:widget_detail", args=[widget.pk]),
                permission="testapp.change_widget",
                applies=lambda widget: not widget.is_locked,
            )
        )
        from tests.testapp.models import Widget  # noqa: PLC0415 - models load after apps

        registries.search.register(
            registries.SearchProvider(
                key="testapp.widgets",
                label="Widgets",
                search=lambda text: Widget.objects.filter(name__icontains=text).order_by("name"),
                list_url_name="testapp:widget_list",
                permission="testapp.view_widget",
                order=200,
                summary=lambda widget: widget.get_status_display(),
            )
        )
        registries.customer_timeline.register(
            registries.TimelineSource(
                key="testapp.widget_events",
                label="Widget events",
                entries=lambda widget: [
                    registries.TimelineEntry(
                        when=row.history_date, kind="widget", title=f"Widget {row.name}"
                    )
                    for row in widget.history.all()
                ],
                permission="testapp.view_widget",
            )
        )
