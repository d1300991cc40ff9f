"""The Store staff group, and sellers' read-only view of every store's shelf.

Which store a member sees is `StoreStaff.store` (shop.access.user_store_id);
the group holds what they may do there. Orders change only through the
status actions, so "change order" grants those, never the fields.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STORE_STAFF_GROUP = "Store staff"
STORE_STAFF_PERMISSIONS = [
    "view_order",
    "change_order",
    "view_orderline",
    "view_orderstatuschange",
    "view_storestock",
    "add_storestock",
    "change_storestock",
    "view_darkstore",
    "view_deliveryslot",
    "view_servicearea",
]
SELLER_EXTRA_PERMISSIONS = ["view_storestock"]


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label="orders", codename__in=codenames
        )
    )


def create_store_staff_group(apps, schema_editor):
    # Permissions are normally made after all migrations; these need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=STORE_STAFF_GROUP)
    group.permissions.set(_permissions(apps, STORE_STAFF_PERMISSIONS))
    sellers, _ = Group.objects.get_or_create(name="Sellers")
    sellers.permissions.add(*_permissions(apps, SELLER_EXTRA_PERMISSIONS))


def remove_store_staff_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=STORE_STAFF_GROUP).delete()
    sellers = Group.objects.filter(name="Sellers").first()
    if sellers is not None:
        sellers.permissions.remove(*_permissions(apps, SELLER_EXTRA_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_store_operations"),
        ("accounts", "0002_sellers_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_store_staff_group, remove_store_staff_group),
    ]
