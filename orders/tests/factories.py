from datetime import timedelta

import factory
from django.utils import timezone

from orders.models import DeliverySlot, ServiceArea


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("postal_code",)

    postal_code = "560001"
    name = "MG Road"
    promise_minutes = 15


class DeliverySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliverySlot

    starts_at = factory.Sequence(
        lambda n: (
            timezone.now().replace(minute=0, second=0, microsecond=0)
            + timedelta(hours=n + 2)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 20
