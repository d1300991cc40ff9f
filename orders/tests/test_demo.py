"""`manage.py demo_delivery`: the demo shop delivers, and the demo shopper can buy."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Address
from orders.models import ServiceArea

pytestmark = pytest.mark.django_db

DEMO_PIN_CODES = [
    "560001",
    "560008",
    "560025",
    "560034",
    "560037",
    "560038",
    "560066",
    "560095",
    "560102",
]


def _run(*names: str) -> str:
    out = StringIO()
    for name in names:
        call_command(name, stdout=out)
    return out.getvalue()


def test_demo_delivery_opens_bengaluru_areas_and_gives_the_shopper_an_address():
    output = _run("demo_users", "demo_delivery")

    areas = list(ServiceArea.objects.order_by("postal_code"))
    assert [area.postal_code for area in areas] == DEMO_PIN_CODES
    assert all(area.is_active for area in areas)
    address = Address.objects.get(user__email="shopper@freshcart.test")
    assert address.is_default is True
    assert address.postal_code == "560034"
    assert address.phone == "+919876543210"
    assert "560034  Koramangala" in output


def test_running_it_again_changes_nothing_that_is_there():
    _run("demo_users", "demo_delivery")
    ServiceArea.objects.filter(postal_code="560066").update(promise_minutes=40)
    Address.objects.filter(user__email="shopper@freshcart.test").update(line1="Moved")

    _run("demo_users", "demo_delivery")

    assert ServiceArea.objects.count() == len(DEMO_PIN_CODES)
    assert ServiceArea.objects.get(postal_code="560066").promise_minutes == 40
    address = Address.objects.get(user__email="shopper@freshcart.test")
    assert address.line1 == "Moved"


def test_without_the_demo_accounts_only_the_areas_are_made():
    _run("demo_delivery")

    assert ServiceArea.objects.count() == len(DEMO_PIN_CODES)
    assert not Address.objects.exists()


def test_demo_logins_name_the_address_the_shop_is_served_at(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"

    output = _run("demo_users")

    assert "Demo logins (http://127.0.0.1:8123):" in output
    assert "Admin: http://127.0.0.1:8123/admin/" in output
