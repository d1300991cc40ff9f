"""`manage.py demo_delivery`: the seeded demo shop has dark stores that sell."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from orders.models import DarkStore, DeliverySlot, Order, ServiceArea, StoreStock
from orders.services.placement import order_place
from orders.tests.factories import DeliverySlotFactory

pytestmark = pytest.mark.django_db


def _run(*names: str, **options) -> str:
    out = StringIO()
    for name in names:
        call_command(name, stdout=out, **options)
    return out.getvalue()


def _shelves():
    return sorted(StoreStock.objects.values_list("store__name", "variant", "quantity"))


def test_the_seeded_stock_goes_onto_four_stores_shelves_that_differ():
    call_command("seed_demo", products=12, categories=16, stdout=StringIO())
    seeded = dict(ProductVariant.objects.values_list("pk", "stock"))

    output = _run("demo_delivery")

    stores = {store.name: store for store in DarkStore.objects.all()}
    assert sorted(stores) == ["Indiranagar", "Koramangala", "MG Road", "Whitefield"]
    assert sorted(ServiceArea.objects.values_list("postal_code", "store__name")) == [
        ("560001", "MG Road"),
        ("560008", "Indiranagar"),
        ("560025", "MG Road"),
        ("560034", "Koramangala"),
        ("560037", "Whitefield"),
        ("560038", "Indiranagar"),
        ("560066", "Whitefield"),
        ("560095", "Koramangala"),
        ("560102", "Koramangala"),
    ]
    assert "560095  Koramangala 6th Block    15 min  from Koramangala" in output
    assert (
        "Koramangala  express in 12 min + 2 per queued order, 12 orders per 30 min"
        in output
    )
    shelved = dict(
        StoreStock.objects.values("variant")
        .annotate(total=Sum("quantity"))
        .values_list("variant", "total")
    )
    assert shelved == {pk: stock for pk, stock in seeded.items() if stock > 0}
    assert dict(ProductVariant.objects.values_list("pk", "stock")) == seeded
    # Every third variant is out at one store and doubled at the next.
    in_stock = sorted(pk for pk, stock in seeded.items() if stock >= 4)
    out_somewhere = {
        variant
        for variant in in_stock
        if StoreStock.objects.filter(variant=variant, quantity=0).exists()
    }
    assert len(out_somewhere) >= len(in_stock) // 3 - 1
    assert len(out_somewhere) < len(in_stock)


def test_the_demo_stores_take_express_orders_and_have_slots():
    call_command("seed_demo", products=12, categories=16, stdout=StringIO())

    _run("demo_delivery")

    for store in DarkStore.objects.all():
        assert store.express_capacity > 0
        assert DeliverySlot.objects.filter(store=store, is_active=True).exists()
    capacities = set(DarkStore.objects.values_list("express_capacity", flat=True))
    assert capacities == {6, 8, 10, 12}


def test_running_it_again_moves_nothing():
    call_command("seed_demo", products=12, categories=16, stdout=StringIO())
    _run("demo_delivery")
    before = _shelves()

    _run("demo_delivery")

    assert _shelves() == before
    assert DarkStore.objects.count() == 4


def test_a_demo_shopper_buys_from_the_store_of_their_pin_code(user, fill_cart):
    call_command("seed_demo", products=12, categories=16, stdout=StringIO())
    _run("demo_delivery")
    koramangala = DarkStore.objects.get(name="Koramangala")
    slot = DeliverySlotFactory(store=koramangala)
    row = StoreStock.objects.filter(store=koramangala, quantity__gte=2).first()
    on_shelf = row.quantity
    fill_cart(user, (row.variant, 2))

    order = order_place(
        user=user,
        address=AddressFactory(user=user, postal_code="560034"),
        slot=slot,
    )

    assert Order.objects.get().store == koramangala
    assert order.lines.get().quantity == 2
    row.refresh_from_db()
    assert row.quantity == on_shelf - 2
