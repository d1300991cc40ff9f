"""Bound a pack's price and MRP at PRICE_MAX (catalog.models).

Rows above the bound are never changed here (a price is the seller's): the
migration stops before any change and names them, so they can be corrected
first. PostgreSQL runs it in one transaction, so nothing is half-done.
"""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

PRICE_MAX = Decimal("100000.00")


def refuse_prices_above_the_max(apps, schema_editor):
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    above = list(
        ProductVariant.objects.filter(mrp__gt=PRICE_MAX).values_list("sku", flat=True)[
            :20
        ]
    )
    if above:
        raise RuntimeError(
            f"Variants priced above {PRICE_MAX} (MRP): {', '.join(above)}. Correct "
            "their price and MRP, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_product_search_doc"),
    ]

    operations = [
        migrations.RunPython(refuse_prices_above_the_max, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="productvariant",
            name="mrp",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=12,
                validators=[
                    django.core.validators.MaxValueValidator(
                        Decimal("100000.00"),
                        message="A price may be at most ₹1,00,000.00 a pack.",
                    )
                ],
                verbose_name="MRP",
            ),
        ),
        migrations.AlterField(
            model_name="productvariant",
            name="price",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=12,
                validators=[
                    django.core.validators.MaxValueValidator(
                        Decimal("100000.00"),
                        message="A price may be at most ₹1,00,000.00 a pack.",
                    )
                ],
                verbose_name="price",
            ),
        ),
        migrations.AddConstraint(
            model_name="productvariant",
            constraint=models.CheckConstraint(
                condition=models.Q(("mrp__lte", Decimal("100000.00"))),
                name="variant_mrp_at_most_max",
            ),
        ),
    ]
