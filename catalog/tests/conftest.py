"""Fixtures for the catalogue's tests: a small tree and products built to order."""

from decimal import Decimal

import pytest

from catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)


@pytest.fixture
def tree(db):
    """Dairy (Milk, Cheese) and Fruits (Fresh Fruits) as a two-level tree."""
    dairy = CategoryFactory(name="Dairy & Breakfast", slug="dairy", position=1)
    fruits = CategoryFactory(name="Fruits & Vegetables", slug="fruits", position=0)
    return {
        "dairy": dairy,
        "milk": CategoryFactory(name="Milk", slug="milk", parent=dairy),
        "cheese": CategoryFactory(name="Butter & Cheese", slug="cheese", parent=dairy),
        "fruits": fruits,
        "fresh-fruits": CategoryFactory(
            name="Fresh Fruits", slug="fresh-fruits", parent=fruits
        ),
    }


@pytest.fixture
def make_product(seller):
    """Return a maker of a product with one variant (or the given variants)."""

    def make(
        *,
        name="Toned Milk",
        category,
        brand="Amul",
        price="30.00",
        mrp="32.00",
        stock=10,
        variants=None,
        thumbnail="",
        **fields,
    ):
        product = ProductFactory(
            name=name, category=category, brand=brand, seller=seller, **fields
        )
        for spec in variants or [{"price": price, "mrp": mrp, "stock": stock}]:
            spec = {**spec}
            spec["price"], spec["mrp"] = Decimal(spec["price"]), Decimal(spec["mrp"])
            ProductVariantFactory(product=product, **spec)
        if thumbnail:
            ProductImageFactory(product=product, thumbnail=thumbnail)
        return product

    return make
