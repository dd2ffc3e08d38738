import factory
from django.contrib.auth.models import Group

from core.models import User
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
