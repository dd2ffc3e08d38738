from datetime import date

import factory
from django.contrib.auth.models import Group

from core.models import User
from customers.models import Contact, Customer, ProductService, Segment
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
