"""Factories for the feedback app's records."""

import factory
from django.utils import timezone

from feedback.models import FeedbackItem
from tests.factories import ContactFactory, CustomerFactory


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    kind = FeedbackItem.Kind.COMPLAINT
    channel = FeedbackItem.Channel.PHONE
    customer = factory.SubFactory(CustomerFactory)
    contact = factory.SubFactory(ContactFactory, customer=factory.SelfAttribute("..customer"))
    description = factory.Sequence(lambda n: f"The delivery {n} arrived late and damaged.")
    received_at = factory.LazyFunction(timezone.now)
