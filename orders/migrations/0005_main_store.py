"""Move what the shop had before dark stores into one "Main store".

Every service area is served by it, every slot and order is its, and each
variant's stock becomes that store's shelf. An empty database gets no store:
the demo seed and staff create stores.
"""

import datetime

from django.db import migrations

MAIN_STORE = "Main store"


def main_store_create(apps, schema_editor):
    DarkStore = apps.get_model("orders", "DarkStore")
    StoreStock = apps.get_model("orders", "StoreStock")
    ServiceArea = apps.get_model("orders", "ServiceArea")
    DeliverySlot = apps.get_model("orders", "DeliverySlot")
    Order = apps.get_model("orders", "Order")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    stocked = ProductVariant.objects.filter(stock__gt=0)
    if not (
        ServiceArea.objects.exists()
        or DeliverySlot.objects.exists()
        or Order.objects.exists()
        or stocked.exists()
    ):
        return
    store = DarkStore.objects.create(
        name=MAIN_STORE,
        address="The shop's one store before dark stores",
        opens_at=datetime.time(0, 0),
        closes_at=datetime.time(23, 59, 59),
    )
    ServiceArea.objects.update(store=store)
    DeliverySlot.objects.update(store=store)
    Order.objects.update(store=store)
    StoreStock.objects.bulk_create(
        StoreStock(store=store, variant_id=variant_id, quantity=stock)
        for variant_id, stock in stocked.values_list("pk", "stock").iterator()
    )


def main_store_remove(apps, schema_editor):
    DarkStore = apps.get_model("orders", "DarkStore")
    store = DarkStore.objects.filter(name=MAIN_STORE).first()
    if store is None:
        return
    apps.get_model("orders", "StoreStock").objects.filter(store=store).delete()
    apps.get_model("orders", "ServiceArea").objects.filter(store=store).update(
        store=None
    )
    apps.get_model("orders", "DeliverySlot").objects.filter(store=store).update(
        store=None
    )
    apps.get_model("orders", "Order").objects.filter(store=store).update(store=None)
    store.delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_dark_stores")]

    operations = [migrations.RunPython(main_store_create, main_store_remove)]
