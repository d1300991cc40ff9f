from django.core.management.base import BaseCommand

from orders.demo import demo_delivery_ensure


class Command(BaseCommand):
    help = (
        "Open delivery in the demo shop: Bengaluru dark stores with the seeded "
        "stock on their shelves, express capacity and slots, their service "
        "areas and the demo shopper's default address (once). Run after "
        "seed_demo and demo_users."
    )

    def handle(self, *args, **options):
        areas = demo_delivery_ensure()
        self.stdout.write(self.style.SUCCESS("Delivering to these PIN codes:"))
        for area in areas:
            self.stdout.write(
                f"  {area.postal_code}  {area.name:<24} {area.promise_minutes} min"
                f"  from {area.store}"
            )
        self.stdout.write(self.style.SUCCESS("Dark stores and their express promise:"))
        for store in sorted({area.store for area in areas}, key=str):
            self.stdout.write(
                f"  {store.name:<12} express in {store.express_base_minutes} min"
                f" + {store.express_minutes_per_order} per queued order,"
                f" {store.express_capacity} orders per"
                f" {store.express_window_minutes} min"
            )
