import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory
from orders.errors import OutOfStock, SlotFull
from orders.models import CartLine, DeliverySlot, Order, OrderStatus
from orders.services.placement import order_place
from orders.tests.factories import DeliverySlotFactory, store_stock_set
from shop.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db


def _stock(variant):
    return ProductVariant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def _booked(slot):
    return DeliverySlot.objects.values_list("booked", flat=True).get(pk=slot.pk)


def test_place_takes_stock_books_the_slot_and_snapshots(
    user, address, slot, variant, fill_cart
):
    other = ProductVariantFactory(price=Decimal("12.25"), mrp=Decimal("15.00"))
    cart = fill_cart(user, (variant, 3), (other, 2))

    order = order_place(user=user, address=address, slot=slot)

    assert order.placed_now is True
    assert re.fullmatch(r"FC\d{6}[0-9A-HJKMNP-TV-Z]{6}", order.number)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.email == user.email
    assert order.subtotal == Decimal("144.50")
    assert order.delivery_fee == Decimal("30.00")
    assert order.total == Decimal("174.50")
    assert order.currency == "INR"
    assert order.address["line1"] == address.line1
    assert order.postal_code == "560001"
    assert (order.delivery_kind, order.promised_at) == ("slot", slot.ends_at)
    assert _stock(variant) == 7
    assert _stock(other) == 98
    assert _booked(slot) == 1
    lines = {line.sku: line for line in order.lines.all()}
    assert lines[variant.sku].unit_price == Decimal("40.00")
    assert lines[variant.sku].line_total == Decimal("120.00")
    assert lines[variant.sku].seller == variant.product.seller
    assert lines[other.sku].product_name == other.product.name
    assert list(order.history.values_list("from_status", "to_status")) == [
        ("", OrderStatus.PENDING_PAYMENT)
    ]
    assert not CartLine.objects.filter(cart=cart).exists()


def test_place_sets_the_payment_deadline(user, address, slot, variant, fill_cart):
    fill_cart(user, (variant, 1))
    before = timezone.now()

    order = order_place(user=user, address=address, slot=slot)

    assert before + timedelta(minutes=10) <= order.payment_due_at
    assert order.payment_due_at <= timezone.now() + timedelta(minutes=10)


def test_place_waives_the_delivery_fee_above_the_threshold(
    user, address, slot, fill_cart
):
    dear = ProductVariantFactory(price=Decimal("250.00"), mrp=Decimal("250.00"))
    fill_cart(user, (dear, 2))

    order = order_place(user=user, address=address, slot=slot)

    assert order.delivery_fee == Decimal("0.00")
    assert order.total == Decimal("500.00")


def test_snapshot_survives_later_price_and_address_changes(
    user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))
    order = order_place(user=user, address=address, slot=slot)
    variant.price = Decimal("45.00")
    variant.save()
    address.line1 = "Somewhere else"
    address.save()

    order.refresh_from_db()
    assert order.lines.get().unit_price == Decimal("40.00")
    assert order.address["line1"] != "Somewhere else"


def test_out_of_stock_takes_nothing_and_names_the_items(
    user, address, slot, variant, fill_cart
):
    short = ProductVariantFactory(stock=5)
    fill_cart(user, (variant, 2), (short, 4))
    store_stock_set(variant=short, quantity=1)

    with pytest.raises(OutOfStock) as caught:
        order_place(user=user, address=address, slot=slot)

    assert caught.value.status_code == 409
    assert caught.value.code == "out_of_stock"
    assert caught.value.extra["items"] == [
        {
            "variant": short.pk,
            "sku": short.sku,
            "name": f"{short.product.name} (500 g)",
            "requested": 4,
            "available": 1,
        }
    ]
    assert _stock(variant) == 10
    assert _stock(short) == 1
    assert _booked(slot) == 0
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 2


def test_an_item_deactivated_after_adding_counts_as_none_left(
    user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)

    with pytest.raises(OutOfStock) as caught:
        order_place(user=user, address=address, slot=slot)

    assert caught.value.items[0]["available"] == 0
    assert _stock(variant) == 10


def test_full_slot_is_refused_and_takes_no_stock(user, address, variant, fill_cart):
    slot = DeliverySlotFactory(capacity=1, booked=1)
    fill_cart(user, (variant, 2))

    with pytest.raises(SlotFull) as caught:
        order_place(user=user, address=address, slot=slot)

    assert caught.value.code == "slot_full"
    assert _stock(variant) == 10
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "slot_fields",
    [
        {"is_active": False},
        {"starts_at": timezone.now() - timedelta(hours=1)},
    ],
    ids=["inactive", "past"],
)
def test_closed_slot_is_refused(user, address, variant, fill_cart, slot_fields):
    slot = DeliverySlotFactory(**slot_fields)
    fill_cart(user, (variant, 2))

    with pytest.raises(DomainError) as caught:
        order_place(user=user, address=address, slot=slot)

    assert caught.value.code == "slot_unavailable"
    assert caught.value.status_code == 400
    assert _stock(variant) == 10
    assert _booked(slot) == 0


def test_empty_cart_is_refused(user, address, slot):
    with pytest.raises(DomainError) as caught:
        order_place(user=user, address=address, slot=slot)

    assert caught.value.code == "cart_empty"
    assert not Order.objects.exists()


def test_another_users_address_is_not_found(
    user, other_user, area, slot, variant, fill_cart
):
    theirs = AddressFactory(user=other_user, postal_code="560001")
    fill_cart(user, (variant, 1))

    with pytest.raises(NotFound):
        order_place(user=user, address=theirs, slot=slot)

    assert _stock(variant) == 10
    assert not Order.objects.exists()


def test_unserviceable_postal_code_is_refused(user, area, slot, variant, fill_cart):
    far = AddressFactory(user=user, postal_code="110001")
    fill_cart(user, (variant, 1))

    with pytest.raises(DomainError) as caught:
        order_place(user=user, address=far, slot=slot)

    assert caught.value.code == "not_serviceable"
    assert "110001" in caught.value.message
    assert _stock(variant) == 10
    assert _booked(slot) == 0


def test_same_idempotency_key_gives_the_same_order(
    user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    first = order_place(user=user, address=address, slot=slot, idempotency_key="k1")
    fill_cart(user, (variant, 1))

    again = order_place(user=user, address=address, slot=slot, idempotency_key="k1")

    assert again.pk == first.pk
    assert again.placed_now is False
    assert Order.objects.count() == 1
    assert _stock(variant) == 8
    assert _booked(slot) == 1


def test_idempotency_keys_are_per_user(
    user, other_user, address, area, slot, variant, fill_cart
):
    theirs = AddressFactory(user=other_user, postal_code="560001")
    fill_cart(user, (variant, 1))
    fill_cart(other_user, (variant, 1))

    mine = order_place(user=user, address=address, slot=slot, idempotency_key="same")
    other = order_place(
        user=other_user, address=theirs, slot=slot, idempotency_key="same"
    )

    assert mine.pk != other.pk
    assert other.placed_now is True
