"""Factories and helpers for the communication log and plan."""

from datetime import date, timedelta
from typing import cast

import factory
from django.utils import timezone

from core.models import User
from core.roles import Role
from feedback.communication import services
from feedback.models import Communication, PlanRow, PlanVersion
from tests.factories import ContactFactory, CustomerFactory, UserFactory


def yesterday_at_ten():
    return timezone.now() - timedelta(days=1)


class CommunicationFactory(factory.django.DjangoModelFactory):
    """A communication with a customer's contact, logged through the service."""

    class Meta:
        model = Communication

    channel = "phone"
    direction = "out"
    customer = factory.SubFactory(CustomerFactory)
    contact = factory.SubFactory(ContactFactory, customer=factory.SelfAttribute("..customer"))
    summary = factory.Sequence(lambda n: f"Call number {n} about the pump")
    handled_by = factory.SubFactory(UserFactory, role=Role.STAFF)
    occurred_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        communication = model_class(*args, **kwargs)
        # Customers made by the factory are registered now: date them back, so that
        # a communication in the past fits their timeline.
        customer = communication.customer
        if customer is not None and customer.created_at > communication.occurred_at:
            type(customer).objects.filter(pk=customer.pk).update(
                created_at=communication.occurred_at - timedelta(days=1)
            )
            customer.refresh_from_db()
        return services.communication_record(communication=communication, by=kwargs["handled_by"])


class PlanRowFactory(factory.django.DjangoModelFactory):
    """A row of the draft plan, saved through the service (not yet in force)."""

    class Meta:
        model = PlanRow

    subject = factory.Sequence(lambda n: f"Planned communication {n}")
    audience = "staff"
    frequency = "monthly"
    channel = "meeting"
    responsible = factory.SubFactory(UserFactory, role=Role.QUALITY_MANAGER)
    next_due = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        due = kwargs.get("next_due")
        if due is not None and due < timezone.localdate():
            # The service refuses a due date in the past; a row overdue from the start
            # is saved as due today and then dated as time would have left it.
            row = services.plan_row_save(
                row=model_class(*args, **{**kwargs, "next_due": timezone.localdate()}),
                by=kwargs["responsible"],
            )
            PlanRow.objects.filter(pk=row.pk).update(next_due=due)
            row.next_due = due
            return row
        return services.plan_row_save(row=model_class(*args, **kwargs), by=kwargs["responsible"])


def approve(by: User | None = None, summary: str = "Approved for the test") -> PlanVersion:
    """Approve the draft as it stands, as a quality manager."""
    approver: User = by or cast(User, UserFactory(role=Role.QUALITY_MANAGER))
    return services.plan_approve(by=approver, change_summary=summary)


def in_force(**fields) -> PlanRow:
    """Return a row of the plan in force (the draft approved with it)."""
    row = cast(PlanRow, PlanRowFactory(**fields))
    approve()
    return PlanRow.objects.get(pk=row.pk)


def days_from_today(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)
