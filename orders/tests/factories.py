import datetime
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import DarkStore, DeliverySlot, ServiceArea, StoreStock

# The store every factory row belongs to unless a test names another.
TEST_STORE = "Indiranagar"


class DarkStoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DarkStore
        django_get_or_create = ("name",)

    name = TEST_STORE
    address = "100 Feet Road, Indiranagar, Bengaluru"
    # Open all day, so that a test's express offer does not depend on the
    # hour it runs at; tests of opening hours set their own.
    opens_at = datetime.time(0, 0)
    closes_at = datetime.time(23, 59, 59)


def store_stock_set(*, variant, quantity: int, store=None) -> StoreStock:
    """Put `quantity` of a variant on a store's shelf (the test store by default).

    A test's own arrangement, so it writes the rows directly and keeps the
    variant's shop-wide sum (`ProductVariant.stock`) equal to its shelves.
    """
    store = store or DarkStoreFactory()
    row, _created = StoreStock.objects.update_or_create(
        store=store, variant=variant, defaults={"quantity": quantity}
    )
    total = sum(
        StoreStock.objects.filter(variant=variant).values_list("quantity", flat=True)
    )
    type(variant).objects.filter(pk=variant.pk).update(stock=total)
    variant.stock = total
    return row


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("postal_code",)

    postal_code = "560001"
    name = "MG Road"
    promise_minutes = 15
    store = factory.SubFactory(DarkStoreFactory)


class DeliverySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliverySlot

    store = factory.SubFactory(DarkStoreFactory)
    starts_at = factory.Sequence(
        lambda n: (
            timezone.now().replace(minute=0, second=0, microsecond=0)
            + timedelta(hours=n + 2)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 20


class OrderFactory(factory.django.DjangoModelFactory):
    """An order awaiting payment; add lines with OrderLineFactory.

    The totals are the factory's own; `order_with_lines` below keeps them in
    step with real lines.
    """

    class Meta:
        model = "orders.Order"

    number = factory.Sequence(lambda n: f"FC{n:08d}")
    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    email = factory.LazyAttribute(lambda o: o.user.email)
    address = factory.LazyFunction(
        lambda: {
            "label": "Home",
            "name": "Asha Rao",
            "phone": "+919876543210",
            "line1": "12 Residency Road",
            "line2": "",
            "city": "Bengaluru",
            "state": "Karnataka",
            "postal_code": "560001",
            "country": "IN",
        }
    )
    postal_code = "560001"
    slot = factory.SubFactory(DeliverySlotFactory, booked=1)
    store = factory.LazyAttribute(lambda o: o.slot.store)
    subtotal = Decimal("200.00")
    delivery_fee = Decimal("30.00")
    total = factory.LazyAttribute(lambda o: o.subtotal + o.delivery_fee)
    currency = "INR"
    payment_due_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(minutes=30)
    )


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.OrderLine"

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory("catalog.tests.factories.ProductVariantFactory")
    seller = factory.LazyAttribute(lambda o: o.variant.product.seller)
    product_name = factory.LazyAttribute(lambda o: o.variant.product.name)
    variant_label = factory.LazyAttribute(lambda o: o.variant.label)
    sku = factory.LazyAttribute(lambda o: o.variant.sku)
    unit_price = factory.LazyAttribute(lambda o: o.variant.price)
    quantity = 1
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


def order_with_lines(*, variants_and_quantities, **order_fields):
    """Return an order whose lines are the given (variant, quantity) pairs.

    Subtotal and total add up from the lines; the delivery fee is the
    factory's unless given.
    """
    subtotal = sum(
        (variant.price * quantity for variant, quantity in variants_and_quantities),
        Decimal("0.00"),
    )
    order = OrderFactory(subtotal=subtotal, **order_fields)
    for variant, quantity in variants_and_quantities:
        OrderLineFactory(order=order, variant=variant, quantity=quantity)
    return order


def store_staff_make(*, store, **user_fields):
    """Return a user who works at `store`, given the role by the service."""
    from accounts.tests.factories import UserFactory
    from orders.stores.services import store_staff_grant

    user = UserFactory(**user_fields)
    store_staff_grant(user=user, store=store)
    return user


def store_order(*, store, lines, status="paid", promised_at=None, **order_fields):
    """Return an order of `store` in `status` holding (variant, quantity) lines.

    Express when `promised_at` is given (the queue's clock), else for a slot
    of that store, promised at the slot's end.
    """
    if promised_at is not None:
        order_fields.update(
            delivery_kind="express", slot=None, store=store, promised_at=promised_at
        )
    else:
        slot = DeliverySlotFactory(store=store, booked=1)
        order_fields.update(slot=slot, promised_at=slot.ends_at)
    if status != "pending_payment":
        order_fields.setdefault("paid_at", timezone.now())
    return order_with_lines(
        variants_and_quantities=lines, status=status, **order_fields
    )
