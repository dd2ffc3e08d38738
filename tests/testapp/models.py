from django.db import models
from django.urls import reverse

from core.files import PrivateFileField
from core.history import record_history
from core.records import VoidableModel, WorkflowModel


class Widget(VoidableModel, WorkflowModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    TRANSITIONS = {
        Status.OPEN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.OPEN}),
    }
    LOCKED_STATUSES = frozenset({Status.CLOSED})

    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    attachment = PrivateFileField(upload_to="widgets/", blank=True)
    public_file = models.FileField(upload_to="public/", blank=True)

    history = record_history()

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("testapp:widget_detail", args=[self.pk])


class WidgetPart(models.Model):
    widget = models.ForeignKey(Widget, on_delete=models.PROTECT, related_name="parts")
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
