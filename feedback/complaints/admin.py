"""Feedback in the admin: read-only. Items move only through the workflow's services
(which check the move, the handler and record who and why), so the admin shows them
and their links without a form that could bypass those checks."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from feedback.complaints.models import Attachment, FeedbackItem, FeedbackLink


class AttachmentInline(admin.TabularInline):
    model = Attachment
    readonly_fields = (
        "original_name",
        "content_type",
        "size",
        "uploaded_at",
        "uploaded_by",
        "file_erased_at",
    )
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "kind",
        "status",
        "channel",
        "customer",
        "owner",
        "received_at",
        "due_at",
    ]
    list_filter = ["kind", "status", "severity", "channel"]
    search_fields = ["subject", "description", "customer__name", "sender_email"]
    list_select_related = ["customer", "owner"]
    raw_id_fields = ["customer", "contact", "product", "owner", "source_item"]
    date_hierarchy = "received_at"
    inlines = [AttachmentInline]


@admin.register(FeedbackLink)
class FeedbackLinkAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "contact", "item", "created_at", "expires_at", "revoked_at"]
    list_filter = ["purpose"]
    list_select_related = ["contact", "item"]
    exclude = ["token_hash"]
