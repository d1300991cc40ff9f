import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import SELLERS_GROUP, Address, User

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SellerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"seller{n}@example.com")
    is_staff = True

    @factory.post_generation
    def sellers_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=SELLERS_GROUP))


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    label = "Home"
    name = factory.Faker("name")
    phone = "+919876543210"
    line1 = factory.Sequence(lambda n: f"{n} Residency Road")
    city = "Bengaluru"
    state = "Karnataka"
    postal_code = "560001"
    country = "IN"
