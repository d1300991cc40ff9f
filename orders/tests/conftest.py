from decimal import Decimal

import pytest

from accounts.tests.factories import AddressFactory
from catalog.tests.factories import ProductVariantFactory
from orders.selectors import SESSION_POSTAL_CODE_KEY
from orders.tests.factories import (
    DarkStoreFactory,
    DeliverySlotFactory,
    ServiceAreaFactory,
    store_staff_make,
)

# The live ASGI process serving the WebSockets on Redis, as the journeys have it.
from tests.conftest import live_events_server  # noqa: F401


@pytest.fixture
def area(db):
    return ServiceAreaFactory(postal_code="560001", name="MG Road", promise_minutes=15)


@pytest.fixture
def slot(db):
    return DeliverySlotFactory(capacity=20)


@pytest.fixture
def variant(db):
    return ProductVariantFactory(price=Decimal("40.00"), mrp=Decimal("50.00"), stock=10)


@pytest.fixture
def address(user, area):
    return AddressFactory(user=user, postal_code=area.postal_code, is_default=True)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def pin_client(client, area):
    """The test client after the shopper set a served PIN code (the area's)."""
    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = area.postal_code
    session.save()
    return client


@pytest.fixture
def pin_user_client(user_client, area):
    """The signed-in shopper's client with a served PIN code set."""
    session = user_client.session
    session[SESSION_POSTAL_CODE_KEY] = area.postal_code
    session.save()
    return user_client


# PAYMENTS: the fake Stripe on loopback, and orders ready to pay.


@pytest.fixture(scope="session")
def _fake_stripe_server():
    from orders.tests.fake_stripe import FakeStripeServer

    server = FakeStripeServer(api_key="sk_test_fake").start()
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(settings, _fake_stripe_server):
    """Point stripe-python at the fake Stripe, with the offline provider off."""
    settings.STRIPE_API_BASE = _fake_stripe_server.url
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    settings.SHOP_OFFLINE_PAYMENTS = False
    _fake_stripe_server.fake.reset()
    yield _fake_stripe_server.fake
    _fake_stripe_server.fake.reset()


@pytest.fixture
def offline_payments(settings):
    """Turn on the offline test-card provider, as `make run` without keys does."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.SHOP_OFFLINE_PAYMENTS = True


@pytest.fixture
def payable_order(user, address, slot):
    """An order placed through checkout: 2 × ₹40 and 3 × ₹25, plus delivery."""
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.services.placement import order_place

    apples = ProductVariantFactory(price=Decimal("40.00"), mrp=Decimal("45.00"))
    bread = ProductVariantFactory(price=Decimal("25.00"), mrp=Decimal("30.00"))
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=apples.pk, quantity=2)
    cart_line_add(cart=cart, variant_id=bread.pk, quantity=3)
    return order_place(user=user, address=address, slot=slot)


# INVOICING: paid orders with named lines, and reading PDFs back as text.


@pytest.fixture
def paid_order_factory(db):
    """Return `make(user=None, lines=None)`: a paid order with a succeeded
    test-card payment; lines are (name, label, price, quantity) tuples."""
    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from orders.models import OrderStatus, Payment
    from orders.tests.factories import order_with_lines

    default_lines = [
        ("Amul Taaza Toned Milk", "500 ml", Decimal("27.00"), 2),
        ("Harvest Gold White Bread", "400 g", Decimal("45.00"), 1),
        ("Robusta Bananas", "1 kg", Decimal("62.50"), 3),
    ]

    def make(user=None, lines=None):
        user = user or UserFactory()
        pairs = [
            (
                ProductVariantFactory(
                    product__name=name, label=label, price=price, mrp=price
                ),
                quantity,
            )
            for name, label, price, quantity in (lines or default_lines)
        ]
        order = order_with_lines(
            variants_and_quantities=pairs,
            user=user,
            status=OrderStatus.PAID,
            paid_at=timezone.now(),
        )
        Payment.objects.create(
            order=order,
            provider=Payment.Provider.OFFLINE,
            intent_id=f"offline_{order.number}",
            amount=order.total,
            currency=order.currency,
            status=Payment.Status.SUCCEEDED,
        )
        return order

    return make


@pytest.fixture
def paid_order(paid_order_factory, user):
    """The user's paid order: 2 × ₹27, 1 × ₹45, 3 × ₹62.50 + ₹30 delivery = ₹316.50."""
    return paid_order_factory(user=user)


@pytest.fixture
def pdf_text():
    """Return `read(pdf_bytes) -> str`: the text that poppler's pdftotext reads."""
    import subprocess

    def read(data: bytes) -> str:
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()

    return read


@pytest.fixture
def fill_cart():
    """Put (variant, quantity) pairs in a user's cart through the service."""
    from orders.services.cart import cart_get_or_create, cart_line_add

    def fill(user, *pairs):
        cart = cart_get_or_create(user=user)
        for variant, quantity in pairs:
            cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        return cart

    return fill


@pytest.fixture
def placed_order(user, address, slot, variant, fill_cart):
    """An order of 3 × `variant` awaiting payment, placed through the service."""
    from orders.services.placement import order_place

    fill_cart(user, (variant, 3))
    return order_place(user=user, address=address, slot=slot)


# Two stores and a picker at the first, for the store staff's admin.
@pytest.fixture
def here(db):
    return DarkStoreFactory(name="Indiranagar")


@pytest.fixture
def there(db):
    return DarkStoreFactory(name="Koramangala")


@pytest.fixture
def picker(here):
    return store_staff_make(store=here, name="Priya Picker")
