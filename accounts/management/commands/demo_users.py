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
        self.stdout.write(self.style.SUCCESS("\nDemo logins (http://127.0.0.1:8000):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<12} {login.email:<26} {login.password}")
        self.stdout.write("  Admin: http://127.0.0.1:8000/admin/\n")
