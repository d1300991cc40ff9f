from decimal import Decimal

import pytest

from accounts.tests.factories import AddressFactory
from catalog.tests.factories import ProductVariantFactory
from orders.tests.factories import DeliverySlotFactory, ServiceAreaFactory


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
