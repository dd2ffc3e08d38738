from django.contrib import admin

from core.admin import RecordAdmin
from tests.testapp.models import Widget


@admin.register(Widget)
class WidgetAdmin(RecordAdmin):
    list_display = ["name", "status"]
