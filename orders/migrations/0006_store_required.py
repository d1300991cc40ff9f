import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_main_store")]

    operations = [
        migrations.AlterField(
            model_name="deliveryslot",
            name="store",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="slots",
                to="orders.darkstore",
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="store",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="orders.darkstore",
            ),
        ),
    ]
