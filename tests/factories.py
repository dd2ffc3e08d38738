from datetime import date

import factory
from django.contrib.auth.models import Group

from core.models import User
from core.roles import Role
from customers.models import (
    Commitment,
    Contact,
    Customer,
    Need,
    ProductService,
    Requirement,
    Segment,
)
from customers.requirements import services as requirements_services
from tests.testapp.models import Widget, WidgetPart

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.groups.add(Group.objects.get(name=extracted.value))


class WidgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Widget

    name = factory.Sequence(lambda n: f"Widget {n}")


class WidgetPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WidgetPart

    widget = factory.SubFactory(WidgetFactory)
    name = "Bolt"


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segment {n}")


class ProductServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductService

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = ProductService.Kind.SERVICE


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} Ltd")
    country = "IN"
    status = Customer.Status.ACTIVE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    consent = True
    consent_on = factory.LazyFunction(lambda: date(2026, 1, 15))
    consent_source = Contact.ConsentSource.FORM


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Need {n}")
    kind = Need.Kind.STATED
    source = Need.Source.MEETING


# The moves that take a draft requirement to each status.
REQUIREMENT_PATHS = {
    Requirement.Status.DRAFT: (),
    Requirement.Status.UNDER_REVIEW: ("under_review",),
    Requirement.Status.ACCEPTED: ("under_review", "accepted"),
    Requirement.Status.REJECTED: ("under_review", "rejected"),
    Requirement.Status.SUPERSEDED: ("under_review", "accepted", "superseded"),
}


class RequirementFactory(factory.django.DjangoModelFactory):
    """A requirement recorded through its service, so it has its version 1; with
    ``status="accepted"`` (or another) it then moves there along its workflow."""

    class Meta:
        model = Requirement

    product = factory.SubFactory(ProductServiceFactory)
    title = factory.Sequence(lambda n: f"Requirement {n}")
    text = "Deliver within 10 working days of the order."
    category = Requirement.Category.DELIVERY
    # An owner who can acknowledge changes, as the requirement form demands.
    owner = factory.SubFactory(UserFactory, role=Role.STAFF)

    @classmethod
    def _create(cls, model_class, *args, status=Requirement.Status.DRAFT, **kwargs):
        requirement = requirements_services.requirement_create(
            requirement=model_class(*args, **kwargs), by=kwargs["owner"]
        )
        for move in REQUIREMENT_PATHS[status]:
            requirement = requirements_services.requirement_set_status(
                requirement=requirement, by=kwargs["owner"], status=move
            )
        return requirement


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment (not yet made) recorded through its service, with its version 1;
    unless given its requirements, it carries one accepted requirement."""

    class Meta:
        model = Commitment

    customer = factory.SubFactory(CustomerFactory)
    kind = Commitment.Kind.ORDER
    reference = factory.Sequence(lambda n: f"PO-{n:05}")
    title = "Annual calibration"
    committed_on = factory.LazyFunction(lambda: date(2026, 12, 15))

    @classmethod
    def _create(cls, model_class, *args, requirements=None, by=None, **kwargs):
        commitment = model_class(*args, **kwargs)
        if requirements is None:
            requirements = [RequirementFactory(status=Requirement.Status.ACCEPTED)]
        return requirements_services.commitment_create(
            commitment=commitment,
            requirements=requirements,
            by=by or requirements[0].owner,
        )
