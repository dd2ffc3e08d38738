from django.contrib import admin

from core.admin import ReadOnlyAdmin, RecordAdmin
from customers.models import Contact, Customer, Erasure, ImportJob, ProductService, Segment


@admin.register(Customer)
class CustomerAdmin(RecordAdmin):
    list_display = ["name", "status", "kind", "country", "account_owner", "voided_at"]
    list_filter = ["status", "kind", "tier"]
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(RecordAdmin):
    list_display = ["name", "email", "customer", "language", "consent", "opted_out"]
    list_filter = ["language", "consent", "opted_out", "bounced"]
    search_fields = ["name", "email", "customer__name"]
    list_select_related = ["customer"]


@admin.register(Segment)
class SegmentAdmin(RecordAdmin):
    list_display = ["name", "voided_at"]


@admin.register(ProductService)
class ProductServiceAdmin(RecordAdmin):
    list_display = ["name", "kind", "code", "voided_at"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["contact", "requested_by", "requested_on", "performed_by", "performed_at"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "state", "total_rows", "created_by", "created_at"]
