import pytest
from django.contrib.auth.models import AnonymousUser

from catalog.tests.factories import ProductVariantFactory
from orders.selectors import user_has_received_product
from orders.services.status import order_status_change

pytestmark = pytest.mark.django_db


def _deliver(order):
    for status in ("paid", "packed", "out_for_delivery", "delivered"):
        order_status_change(order=order, to_status=status)


def test_a_delivered_order_of_the_product_counts(placed_order, user, variant):
    _deliver(placed_order)

    assert user_has_received_product(user=user, product=variant.product) is True


def test_any_variant_of_the_product_counts(placed_order, user, variant):
    other_pack = ProductVariantFactory(product=variant.product, label="1 kg")
    _deliver(placed_order)

    assert user_has_received_product(user=user, product=other_pack.product) is True


@pytest.mark.parametrize("status", ["pending_payment", "paid", "cancelled"])
def test_an_order_not_delivered_does_not_count(placed_order, user, variant, status):
    if status != "pending_payment":
        order_status_change(order=placed_order, to_status=status)

    assert user_has_received_product(user=user, product=variant.product) is False


def test_someone_elses_delivery_does_not_count(placed_order, other_user, variant):
    _deliver(placed_order)

    assert user_has_received_product(user=other_user, product=variant.product) is False
    assert (
        user_has_received_product(user=AnonymousUser(), product=variant.product)
        is False
    )


def test_another_product_does_not_count(placed_order, user):
    _deliver(placed_order)

    assert (
        user_has_received_product(user=user, product=ProductVariantFactory().product)
        is False
    )
