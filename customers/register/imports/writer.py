"""Carry out a checked plan: all rows in one transaction, with their history."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Max

from core.bulk import insert_with_history
from core.history import bulk_create_with_history, bulk_update_with_history
from core.models import User
from customers.models import Contact, Customer, ImportJob
from customers.register.imports.contacts import CONTACT_FIELDS
from customers.register.imports.customers import CUSTOMER_FIELDS
from customers.register.imports.plan import Plan

BATCH_SIZE = 5000


def _batches(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


class RegisterChangedError(Exception):
    """A record the plan updates was voided or erased after the check: nothing is
    written, or the import would bring an erased person back."""


def _lock_updated(model: Any, records: list[Any]) -> None:
    """Lock the rows the plan updates, then refuse if any was voided or erased since
    the check; the erasure and voiding lock the same row, so they wait or we do."""
    changed = []
    stamps = ["voided_at", "erased_at"] if model is Contact else ["voided_at"]
    for batch in _batches(records):
        rows = model.objects.select_for_update().filter(pk__in=[record.pk for record in batch])
        for row in rows.values("pk", *stamps):
            if any(row[stamp] for stamp in stamps):
                changed.append(row["pk"])
    if changed:
        raise RegisterChangedError(changed)


@dataclass(frozen=True)
class Applied:
    """What an import did, and where its history rows are: those with its reason
    among the ids from ``history_from`` to ``history_to``."""

    created: int
    updated: int
    history_from: int
    history_to: int


@transaction.atomic
def apply(
    plan: Plan,
    *,
    by: User,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> Applied:
    """Carry out a plan with no errors in one transaction; return what it did.

    ``reason`` goes on every history row the import writes (an import job names
    itself there, so its records can be listed); by default "CSV import".
    """
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    reason = reason or str(ImportJob.HISTORY_REASON)
    model = Contact if plan.kind == ImportJob.Kind.CONTACTS else Customer
    fields = CONTACT_FIELDS if model is Contact else CUSTOMER_FIELDS
    history = model.history.model
    _lock_updated(model, plan.updates)
    last_history_id = history.objects.aggregate(last=Max("history_id"))["last"] or 0
    done = 0
    for batch in _batches(plan.creates):
        if model is Contact:
            insert_with_history(Contact, batch, by=by, reason=reason)
        else:
            bulk_create_with_history(batch, model, by=by, reason=reason, batch_size=BATCH_SIZE)
        done += len(batch)
        if progress:
            progress(done)
    for batch in _batches(plan.updates):
        bulk_update_with_history(batch, model, fields, by=by, reason=reason, batch_size=BATCH_SIZE)
        done += len(batch)
        if progress:
            progress(done)
    if plan.segment_links:
        links = Customer.segments.through
        objects = [c for c in plan.creates + plan.updates if id(c) in plan.segment_links]
        links.objects.filter(customer__in=[c.pk for c in objects]).delete()
        links.objects.bulk_create(
            [
                links(customer_id=customer.pk, segment_id=segment_id)
                for customer in objects
                for segment_id in plan.segment_links[id(customer)]
            ],
            batch_size=BATCH_SIZE,
        )
    if model is Customer:
        _record_links_in_history([c.pk for c in plan.creates + plan.updates], last_history_id)
    # Every history row written since is in the range: the ids only grow, and ours
    # were taken after the first was read.
    history_to = history.objects.aggregate(last=Max("history_id"))["last"] or 0
    return Applied(
        created=len(plan.creates),
        updated=len(plan.updates),
        history_from=last_history_id + 1,
        history_to=history_to,
    )


def _record_links_in_history(customer_ids: list[int], after_history_id: int) -> None:
    """Give each history row the import wrote its customer's segments and products.

    The bulk history helpers write no many-to-many snapshot; without one the history
    would show the links as missing on the import's row and added on the next.
    """
    if not customer_ids:
        return
    rows = list(
        Customer.history.filter(id__in=customer_ids, history_id__gt=after_history_id).values_list(
            "history_id", "id"
        )
    )
    for name, target in (("segments", "segment_id"), ("products", "productservice_id")):
        through = getattr(Customer, name).through
        snapshot = apps.get_model("customers", f"HistoricalCustomer_{name}")
        links: dict[int, list[tuple[int, int]]] = {}
        for link_id, customer_id, target_id in through.objects.filter(
            customer_id__in=customer_ids
        ).values_list("pk", "customer_id", target):
            links.setdefault(customer_id, []).append((link_id, target_id))
        snapshot.objects.bulk_create(
            [
                snapshot(
                    id=link_id,
                    history_id=history_id,
                    customer_id=customer_id,
                    **{target: target_id},
                )
                for history_id, customer_id in rows
                for link_id, target_id in links.get(customer_id, [])
            ],
            batch_size=BATCH_SIZE,
        )
