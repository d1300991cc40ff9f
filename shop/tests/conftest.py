from decimal import Decimal

import pytest

from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductVariantFactory,
)


@pytest.fixture
def variant():
    """Toned Milk at 30.00 in Dairy, ten in stock."""
    category = CategoryFactory(name="Dairy", slug="dairy")
    product = ProductFactory(name="Toned Milk", slug="toned-milk", category=category)
    return ProductVariantFactory(
        product=product, price=Decimal("30.00"), mrp=Decimal("32.00"), stock=10
    )
