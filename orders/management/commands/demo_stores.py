from django.core.management.base import BaseCommand

from orders.stores.demo import demo_stores_ensure


class Command(BaseCommand):
    help = (
        "Open the demo dark stores and their PIN codes, shelve the seeded stock "
        "and open their slots (once)."
    )

    def handle(self, *args, **options):
        for store in demo_stores_ensure():
            codes = ", ".join(store.areas.values_list("postal_code", flat=True))
            self.stdout.write(f"  {store.name:<14} serves {codes}")
