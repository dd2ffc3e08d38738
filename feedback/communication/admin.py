"""The communication log and plan in the Django admin (superusers): read and correct,
never delete; versions are read-only, written by the approval alone."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, RecordAdmin
from feedback.communication.models import Communication, PlanRow, PlanVersion


@admin.register(Communication)
class CommunicationAdmin(RecordAdmin):
    list_display = ["summary", "channel", "direction", "occurred_at", "customer", "handled_by"]
    list_filter = ["channel", "direction"]
    search_fields = ["summary", "customer__name"]
    date_hierarchy = "occurred_at"
    # Id fields with a lookup, not drop-downs of whole registers.
    raw_id_fields = ["customer", "contact", "handled_by", "plan_row"]
    list_select_related = ["customer", "handled_by"]


@admin.register(PlanRow)
class PlanRowAdmin(RecordAdmin):
    list_display = ["subject", "audience", "frequency", "channel", "responsible", "next_due"]
    list_filter = ["audience", "frequency", "channel"]
    search_fields = ["subject"]
    raw_id_fields = ["customer", "responsible"]
    list_select_related = ["responsible"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "approved_at", "approved_by"]
