"""`manage.py demo_store_staff`: a picker's login for each demo store, printed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from orders.stores.models import StoreStaff

pytestmark = pytest.mark.django_db


def _run(*names: str) -> str:
    out = StringIO()
    for name in names:
        call_command(name, stdout=out)
    return out.getvalue()


def test_each_demo_store_gets_a_printed_login_that_opens_its_queue(client):
    output = _run("demo_users", "demo_delivery", "demo_store_staff")

    staff = sorted(
        StoreStaff.objects.values_list("store__name", "user__email", "user__is_staff")
    )
    assert staff == [
        ("Indiranagar", "indiranagar@freshcart.test", True),
        ("Koramangala", "koramangala@freshcart.test", True),
    ]
    assert "Store staff logins (" in output
    assert "Indiranagar  indiranagar@freshcart.test" in output
    assert "store-demo-123" in output
    assert client.login(email="indiranagar@freshcart.test", password="store-demo-123")
    queue = client.get("/admin/orders/order/picking/")
    assert queue.status_code == 200
    assert queue.context["store"].name == "Indiranagar"


def test_running_it_again_changes_nothing():
    _run("demo_delivery", "demo_store_staff")
    User.objects.filter(email="indiranagar@freshcart.test").update(name="Renamed")

    _run("demo_store_staff")

    assert StoreStaff.objects.count() == 2
    assert User.objects.get(email="indiranagar@freshcart.test").name == "Renamed"


def test_a_store_the_demo_lacks_is_skipped():
    output = _run("demo_store_staff")

    assert not StoreStaff.objects.exists()
    assert "freshcart.test" not in output


def test_production_settings_refuse_the_demo_logins(settings):
    settings.SHOP_DEMO_ACCOUNTS = False

    with pytest.raises(CommandError):
        _run("demo_store_staff")

    assert not User.objects.filter(email__endswith="@freshcart.test").exists()
