from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accounts.services import demo_accounts_ensure


class Command(BaseCommand):
    help = (
        "Create the demo staff admin, seller and shopper (once) and print their logins."
    )

    def handle(self, *args, **options):
        try:
            logins = demo_accounts_ensure()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        # `make run` sets SITE_URL to the address it serves.
        site = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins ({site}):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<12} {login.email:<26} {login.password}")
        self.stdout.write(f"  Admin: {site}/admin/\n")
