from django.contrib.auth.management import create_permissions
from django.db import migrations

SELLER_PERMISSIONS = {
    "catalog": [
        "view_category",
        "add_product",
        "change_product",
        "delete_product",
        "view_product",
        "add_productvariant",
        "change_productvariant",
        "delete_productvariant",
        "view_productvariant",
        "add_productimage",
        "change_productimage",
        "delete_productimage",
        "view_productimage",
        "view_review",
    ],
    # Sellers change orders only through the status actions, never the fields.
    "orders": ["view_order", "change_order", "view_orderline"],
}


def create_sellers_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Sellers")
    permissions = []
    for app_label, codenames in SELLER_PERMISSIONS.items():
        permissions += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0001_initial"),
        ("orders", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_sellers_group, migrations.RunPython.noop),
    ]
