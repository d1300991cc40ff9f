"""Inventory hoarding: unpaid orders hold stock only briefly, a shopper (and a
client address) may keep only a few of them, one order takes at most a share
of a variant's stock, and only a verified email may order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import AddressFactory, UserFactory
from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory
from orders.errors import EmailNotVerified, OrderShareExceeded, TooManyUnpaidOrders
from orders.models import CartLine, Order, OrderStatus
from orders.services.cancellation import order_expire_unpaid
from orders.services.placement import order_place
from orders.services.status import order_status_change

pytestmark = pytest.mark.django_db


def _stock(variant):
    return ProductVariant.objects.values_list("stock", flat=True).get(pk=variant.pk)


@pytest.fixture
def place(area, slot, fill_cart):
    """Return `place(user, variant, quantity=1, client_ip=None)`."""

    def run(user, variant, quantity=1, client_ip=None):
        fill_cart(user, (variant, quantity))
        address = AddressFactory(user=user, postal_code=area.postal_code)
        return order_place(user=user, address=address, slot=slot, client_ip=client_ip)

    return run


def test_an_unpaid_order_holds_stock_ten_minutes_and_the_job_expires_it(
    settings, user, variant, place
):
    assert settings.SHOP_PAYMENT_TIMEOUT_MINUTES == 10
    before = timezone.now()

    order = place(user, variant, 3)

    assert before + timedelta(minutes=10) <= order.payment_due_at
    assert order.payment_due_at <= timezone.now() + timedelta(minutes=10)
    assert not order_expire_unpaid(order_id=order.pk, now=before + timedelta(minutes=9))
    assert order_expire_unpaid(
        order_id=order.pk, now=order.payment_due_at + timedelta(seconds=1)
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert _stock(variant) == 10


def test_the_hold_is_configurable(settings, user, variant, place):
    settings.SHOP_PAYMENT_TIMEOUT_MINUTES = 3
    before = timezone.now()

    order = place(user, variant)

    assert before + timedelta(minutes=3) <= order.payment_due_at
    assert order.payment_due_at <= timezone.now() + timedelta(minutes=3)


def test_a_shopper_with_two_unpaid_orders_is_refused_a_third(user, variant, place):
    first = place(user, variant)
    place(user, variant)

    with pytest.raises(TooManyUnpaidOrders) as refused:
        place(user, variant)

    assert refused.value.status_code == 409
    assert refused.value.code == "too_many_unpaid_orders"
    assert refused.value.message == (
        "You already have 2 orders waiting for payment. Pay for one or cancel it "
        "(under My orders) before placing another; an unpaid order is cancelled "
        "after 10 minutes."
    )
    assert _stock(variant) == 8
    assert CartLine.objects.filter(cart__user=user).count() == 1

    order_status_change(order=first, to_status=OrderStatus.PAID)
    assert place(user, variant).placed_now is True


def test_an_expired_unpaid_order_no_longer_counts(user, variant, place):
    place(user, variant)
    place(user, variant)
    Order.objects.update(payment_due_at=timezone.now() - timedelta(seconds=1))

    assert place(user, variant).placed_now is True


def test_a_client_address_may_keep_only_so_many_unpaid_orders(settings, variant, place):
    settings.SHOP_MAX_UNPAID_ORDERS_PER_CLIENT = 3
    for _ in range(3):
        place(UserFactory(), variant, client_ip="203.0.113.7")

    with pytest.raises(TooManyUnpaidOrders) as refused:
        place(UserFactory(), variant, client_ip="203.0.113.7")

    assert refused.value.message == (
        "Too many orders from your network are waiting for payment. Please pay "
        "for one, or try again in 10 minutes."
    )
    assert Order.objects.filter(client_ip="203.0.113.7").count() == 3
    assert place(UserFactory(), variant, client_ip="198.51.100.2").placed_now


def test_one_order_takes_at_most_half_of_what_is_left(user, place):
    scarce = ProductVariantFactory(stock=40)

    with pytest.raises(OrderShareExceeded) as refused:
        place(user, scarce, 21)

    assert refused.value.status_code == 409
    assert refused.value.code == "order_share_exceeded"
    assert refused.value.items == [
        {
            "variant": scarce.pk,
            "sku": scarce.sku,
            "name": f"{scarce.product.name} ({scarce.label})",
            "requested": 21,
            "allowed": 20,
        }
    ]
    assert refused.value.message == (
        f"One order may take at most 20 of {scarce.product.name} ({scarce.label}) "
        "right now, so that other shoppers get some too. Nothing was ordered; "
        "please lower the quantity."
    )
    assert _stock(scarce) == 40
    CartLine.objects.filter(cart__user=user).delete()
    assert place(user, scarce, 20).placed_now is True
    assert _stock(scarce) == 20


def test_a_few_units_left_may_all_go_to_one_order(user, place):
    scarce = ProductVariantFactory(stock=5)

    order = place(user, scarce, 5)

    assert order.placed_now is True
    assert _stock(scarce) == 0


def test_an_unverified_email_cannot_order(variant, place):
    shopper = UserFactory(email_verified_at=None)

    with pytest.raises(EmailNotVerified) as refused:
        place(shopper, variant)

    assert refused.value.status_code == 403
    assert refused.value.code == "email_not_verified"
    assert refused.value.message == (
        "Please confirm your email address before ordering: follow the link we "
        "emailed you, or ask for a new one on your account page."
    )
    assert _stock(variant) == 10
    assert not Order.objects.exists()
