"""The Django admin, for superusers: records that hold as evidence stay as they are.

A record the product refuses to change (voided, closed, an erased contact: whatever
``core.records.ensure_editable`` refuses) is read-only here too, with the reason on
the page. Private files are shown by name with a link through the permission-checked
download view, since they have no URL of their own.
"""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.files import PrivateFileField, private_file_url
from core.models import Heartbeat, OutboundEmail, User
from core.records import RecordLockedError, ensure_editable


def lock_message(record: models.Model) -> str:
    """Return why the record refuses edits, or "" when it takes them: the services' rule."""
    try:
        ensure_editable(record)
    except RecordLockedError as exc:
        return str(exc)
    return ""


@cache
def private_file_link(field: PrivateFileField) -> Callable[[Any], str]:
    """Return the admin's read-only display of a private file field: its name, linked to
    the download view, or why there is nothing to download.

    One function per field (hence the cache): the admin compares its read-only fields
    by identity from one call to the next.
    """
    field_name = field.name

    @admin.display(description=field.verbose_name)
    def show(record: Any) -> str:
        stored = getattr(record, field_name)
        if not stored:
            return gettext("No file is kept.")
        name = Path(stored.name).name
        if record.pk is None or not stored.storage.exists(stored.name):
            return gettext("%(name)s: the file no longer exists.") % {"name": name}
        return format_html('<a href="{}">{}</a>', private_file_url(record, field_name), name)

    show.__name__ = field_name  # the page's CSS class: field-<name>, as for a field
    return show


class PrivateFilesAdmin(admin.ModelAdmin):
    """Show private files as links through the download view, never as form fields.

    The admin's own widget and read-only display link to the file's URL, which private
    storage refuses to give: the page would fail.
    """

    def _private_fields(self) -> list[PrivateFileField]:
        return [f for f in self.model._meta.fields if isinstance(f, PrivateFileField)]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        names = [field.name for field in self._private_fields()]
        return [*(super().get_exclude(request, obj) or ()), *names]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        links = [private_file_link(field) for field in self._private_fields()]
        return [*super().get_readonly_fields(request, obj), *links]


class RecordAdmin(PrivateFilesAdmin, SimpleHistoryAdmin):
    """Admin for records that hold as evidence: history shown, never reverted or deleted.

    Historical models are never registered, so history rows cannot be edited or
    deleted here; the history view is read-only. A locked record is read-only: Django
    shows every field without a form and answers a POST with 403.
    """

    # simple-history's own list has an inline style, which the CSP blocks.
    object_history_list_template = "core/admin/object_history_list.html"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and lock_message(obj):
            return False
        return super().has_change_permission(request, obj)

    def render_change_form(  # noqa: PLR0917 - Django's signature
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and (reason := lock_message(obj)):
            self.message_user(request, reason, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(User)
class UserAdmin(RecordAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


class ReadOnlyAdmin(PrivateFilesAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "purpose", "state", "attempts", "sent_at"]
    list_filter = ["state", "purpose"]
    search_fields = ["recipient", "subject", "message_id"]
    date_hierarchy = "created_at"


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_seen"]
