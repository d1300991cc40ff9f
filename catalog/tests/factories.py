from decimal import Decimal

import factory

from accounts.tests.factories import SellerFactory
from catalog.models import Category, Product, ProductImage, ProductVariant, Review
from orders.tests.factories import store_stock_set


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    seller = factory.SubFactory(SellerFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    brand = "Farm Fresh"
    description = "Fresh from the farm."


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    label = "500 g"
    price = Decimal("40.00")
    mrp = Decimal("50.00")
    stock = 100

    @factory.post_generation
    def on_shelf(variant, create, extracted, **kwargs):
        """Put the variant's `stock` on the test store's shelf, where orders take it."""
        if create and variant.stock > 0:
            store_stock_set(variant=variant, quantity=variant.stock)


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(width=600, height=600, color="green")
    alt_text = factory.LazyAttribute(lambda o: o.product.name)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    rating = 4
    text = "Fresh and tasty."
