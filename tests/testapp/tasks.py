from celery import shared_task

from tests.testapp.models import Widget


@shared_task
def rename_widget(widget_id: int, name: str) -> None:
    widget = Widget.objects.get(pk=widget_id)
    widget.name = name
    widget.save()
