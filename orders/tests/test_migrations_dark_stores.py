"""A filled database from before dark stores is migrated forward intact."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("orders", "0003_order_client_ip"), ("catalog", "0005_product_search_doc")]
AFTER = [("orders", "0006_store_required")]
OPERATIONS = [("orders", "0007_store_operations")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _fill(apps):
    """Write what a shop had before stores: areas, slots, stock and orders."""
    Category = apps.get_model("catalog", "Category")
    Product = apps.get_model("catalog", "Product")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    ServiceArea = apps.get_model("orders", "ServiceArea")
    DeliverySlot = apps.get_model("orders", "DeliverySlot")
    Order = apps.get_model("orders", "Order")
    # Accounts are not migrated here: the shop's own User is the table's.
    seller = UserFactory(email="seller@example.com")
    category = Category.objects.create(name="Dairy", slug="dairy")
    product = Product.objects.create(
        seller_id=seller.pk, category=category, name="Milk", slug="milk", brand="Amul"
    )
    for sku, stock in (("A", 7), ("B", 0), ("C", 25)):
        ProductVariant.objects.create(
            product=product,
            sku=sku,
            label=sku,
            price=Decimal("30.00"),
            mrp=Decimal("32.00"),
            stock=stock,
        )
    for code in ("560001", "560038", "560095"):
        ServiceArea.objects.create(postal_code=code, name=code)
    start = timezone.now() + datetime.timedelta(hours=2)
    slots = [
        DeliverySlot.objects.create(
            starts_at=start + datetime.timedelta(hours=n),
            ends_at=start + datetime.timedelta(hours=n + 1),
            capacity=10,
            booked=1,
        )
        for n in range(4)
    ]
    Order.objects.create(
        number="FC00000001",
        user_id=seller.pk,
        email=seller.email,
        address={"postal_code": "560001"},
        postal_code="560001",
        slot=slots[0],
        subtotal=Decimal("30.00"),
        delivery_fee=Decimal("0.00"),
        total=Decimal("30.00"),
        currency="INR",
        payment_due_at=start,
    )


def test_the_main_store_takes_over_areas_slots_orders_and_stock():
    _fill(_migrate(BEFORE))

    apps = _migrate(AFTER)

    DarkStore = apps.get_model("orders", "DarkStore")
    StoreStock = apps.get_model("orders", "StoreStock")
    (store,) = DarkStore.objects.all()
    assert (store.name, store.is_active) == ("Main store", True)
    assert sorted(
        apps.get_model("orders", "ServiceArea").objects.values_list(
            "postal_code", "store_id"
        )
    ) == [("560001", store.pk), ("560038", store.pk), ("560095", store.pk)]
    slots = apps.get_model("orders", "DeliverySlot").objects
    assert (slots.count(), slots.filter(store=store).count()) == (4, 4)
    assert sorted(slots.values_list("booked", flat=True)) == [1, 1, 1, 1]
    orders = apps.get_model("orders", "Order").objects
    assert list(orders.values_list("number", "store_id")) == [("FC00000001", store.pk)]
    assert sorted(
        StoreStock.objects.values_list("store_id", "variant__sku", "quantity")
    ) == [(store.pk, "A", 7), (store.pk, "C", 25)]
    # The variants keep their stock as the sum over the one shelf.
    assert sorted(
        apps.get_model("catalog", "ProductVariant").objects.values_list("sku", "stock")
    ) == [("A", 7), ("B", 0), ("C", 25)]


def test_an_empty_database_gets_no_store():
    _migrate(BEFORE)

    apps = _migrate(AFTER)

    assert not apps.get_model("orders", "DarkStore").objects.exists()


def test_orders_from_before_express_are_promised_their_slot_end():
    _fill(_migrate(BEFORE))

    apps = _migrate(OPERATIONS)

    (order,) = apps.get_model("orders", "Order").objects.select_related("slot")
    assert (order.delivery_kind, order.promised_at) == ("slot", order.slot.ends_at)
    store = apps.get_model("orders", "DarkStore").objects.get()
    assert (store.express_capacity, store.express_window_minutes) == (10, 30)
