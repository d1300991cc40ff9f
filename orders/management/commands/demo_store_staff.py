from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from orders.stores.demo import demo_store_staff_ensure


class Command(BaseCommand):
    help = (
        "Create a demo store-staff login for each demo dark store (once) and "
        "print them. Run after demo_delivery."
    )

    def handle(self, *args, **options):
        try:
            logins = demo_store_staff_ensure()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        site = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS(f"\nStore staff logins ({site}/admin/):"))
        for login in logins:
            self.stdout.write(
                f"  {login.store:<12} {login.email:<26} {login.password}"
                "  (picking queue, shelf)"
            )
