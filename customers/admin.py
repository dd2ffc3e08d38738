from django.contrib import admin

from core.admin import ReadOnlyAdmin, RecordAdmin
from customers.models import (
    Acknowledgement,
    Change,
    Commitment,
    CommitmentReview,
    Contact,
    Customer,
    Erasure,
    ImportJob,
    Need,
    ProductService,
    Requirement,
    Segment,
)


@admin.register(Customer)
class CustomerAdmin(RecordAdmin):
    list_display = ["name", "status", "kind", "country", "account_owner", "voided_at"]
    list_filter = ["status", "kind", "tier"]
    search_fields = ["name"]
    # An id field with a lookup, not a drop-down of every person.
    raw_id_fields = ["account_owner"]


@admin.register(Contact)
class ContactAdmin(RecordAdmin):
    list_display = ["name", "email", "customer", "language", "consent", "opted_out"]
    list_filter = ["language", "consent", "opted_out", "bounced"]
    search_fields = ["name", "email", "customer__name"]
    # An id field with a lookup, not a drop-down of every customer.
    raw_id_fields = ["customer"]
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


# Needs, requirements and commitments are read-only here: their writes go through the
# services, which keep versions, reopen reviews and ask for acknowledgements.
@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "priority", "status", "customer", "segment", "other_party"]
    list_filter = ["kind", "horizon", "priority", "status"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "product", "customer", "category", "status", "version"]
    list_filter = ["category", "status"]
    list_select_related = ["product", "customer"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "customer", "committed_on", "status", "version"]
    list_filter = ["kind", "status"]
    list_select_related = ["customer"]


@admin.register(CommitmentReview)
class CommitmentReviewAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "reviewed_on", "reviewer", "outcome", "reopened_at"]


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "requirement", "commitment", "changed_by"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["change", "person", "concern", "acknowledged_at"]
