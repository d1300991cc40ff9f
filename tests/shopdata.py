"""A small, realistic shop for the gates: built with the apps' factories.

`shop_seed()` makes a two-level category tree, products with stock (one out
of stock), the service area for PIN code 560001 and bookable delivery slots.
`shopper_history()` gives a shopper an address, a cart line, a placed order
awaiting payment and a delivered order, so every object an API or page can
touch exists and belongs to someone.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

PIN_CODE = "560001"


@dataclass
class Shop:
    seller: object
    categories: dict
    products: dict
    variants: dict
    area: object
    slots: list = field(default_factory=list)


def _product(*, seller, category, name, slug, brand, label, price, mrp, stock, sku):
    from catalog.tests.factories import ProductFactory, ProductVariantFactory

    product = ProductFactory(
        seller=seller,
        category=category,
        name=name,
        slug=slug,
        brand=brand,
        description=f"{name} by {brand}, fresh every morning.",
    )
    variant = ProductVariantFactory(
        product=product,
        sku=sku,
        label=label,
        price=Decimal(price),
        mrp=Decimal(mrp),
        stock=stock,
    )
    return product, variant


PICTURE_COLOURS = {
    "banana": "#f4d03f",
    "apple": "#c0392b",
    "mango": "#f39c12",
    "tomato": "#e74c3c",
    "milk": "#ecf0f1",
    "paneer": "#fdfefe",
}


def _picture(colour: str):
    """A simple product photo: a coloured disc on white, as a PNG upload."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (480, 480), "white")
    ImageDraw.Draw(picture).ellipse((60, 60, 420, 420), fill=colour, outline="#555")
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def shop_seed(*, seller=None, pictures: bool = False) -> Shop:
    """Create the catalogue, the service area and slots; return the handles.

    With `pictures`, each product gets a photo through the catalogue's image
    service (its thumbnail is made after the commit).
    """
    from accounts.tests.factories import SellerFactory
    from catalog.tests.factories import CategoryFactory
    from orders.tests.factories import DeliverySlotFactory, ServiceAreaFactory

    seller = seller or SellerFactory(name="Green Valley Farms")
    fruits_veg = CategoryFactory(
        name="Fruits & Vegetables", slug="fruits-vegetables", position=1
    )
    fresh_fruits = CategoryFactory(
        name="Fresh Fruits", slug="fresh-fruits", parent=fruits_veg, position=1
    )
    vegetables = CategoryFactory(
        name="Fresh Vegetables", slug="fresh-vegetables", parent=fruits_veg, position=2
    )
    dairy = CategoryFactory(
        name="Dairy & Breakfast", slug="dairy-breakfast", position=2
    )
    milk = CategoryFactory(name="Milk", slug="milk", parent=dairy, position=1)
    rows = {
        "banana": (fresh_fruits, "Robusta Banana", "robusta-banana", "Farm Fresh",
                   "1 dozen", "60.00", "72.00", 40, "GATE-BAN-12"),
        "apple": (fresh_fruits, "Shimla Apple", "shimla-apple", "Himalayan Orchards",
                  "1 kg", "180.00", "220.00", 25, "GATE-APL-1K"),
        "mango": (fresh_fruits, "Alphonso Mango", "alphonso-mango", "Konkan Gold",
                  "6 pcs", "450.00", "520.00", 10, "GATE-MNG-6"),
        "tomato": (vegetables, "Hybrid Tomato", "hybrid-tomato", "Farm Fresh",
                   "500 g", "30.00", "40.00", 50, "GATE-TOM-500"),
        "milk": (milk, "Taaza Toned Milk", "taaza-toned-milk", "Amul",
                 "500 ml", "28.00", "29.00", 100, "GATE-MLK-500"),
        "paneer": (milk, "Malai Paneer", "malai-paneer", "Amul",
                   "200 g", "90.00", "100.00", 0, "GATE-PNR-200"),
    }  # fmt: skip
    products, variants = {}, {}
    for key, (
        category,
        name,
        slug,
        brand,
        label,
        price,
        mrp,
        stock,
        sku,
    ) in rows.items():
        products[key], variants[key] = _product(
            seller=seller,
            category=category,
            name=name,
            slug=slug,
            brand=brand,
            label=label,
            price=price,
            mrp=mrp,
            stock=stock,
            sku=sku,
        )
    if pictures:
        from catalog.services import product_image_add

        for key, product in products.items():
            product_image_add(product=product, upload=_picture(PICTURE_COLOURS[key]))
    area = ServiceAreaFactory(postal_code=PIN_CODE, name="MG Road", promise_minutes=15)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    slots = [
        DeliverySlotFactory(
            starts_at=now + timedelta(hours=hours),
            ends_at=now + timedelta(hours=hours + 1),
            capacity=20,
        )
        for hours in (2, 3, 4)
    ]
    return Shop(
        seller=seller,
        categories={
            "fruits-vegetables": fruits_veg,
            "fresh-fruits": fresh_fruits,
            "fresh-vegetables": vegetables,
            "dairy-breakfast": dairy,
            "milk": milk,
        },
        products=products,
        variants=variants,
        area=area,
        slots=slots,
    )


@dataclass
class History:
    user: object
    address: object
    cart_line: object
    pending_order: object
    delivered_order: object


def shopper_history(*, shop: Shop, user) -> History:
    """Give `user` an address, a delivered order, a pending order and a cart line."""
    from accounts.tests.factories import AddressFactory
    from orders.models import OrderStatus
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.services.placement import order_place
    from orders.services.status import order_status_change

    address = AddressFactory(user=user, postal_code=PIN_CODE, is_default=True)
    cart = cart_get_or_create(user=user)

    cart_line_add(cart=cart, variant_id=shop.variants["banana"].pk, quantity=1)
    delivered = order_place(user=user, address=address, slot=shop.slots[0])
    for status in (
        OrderStatus.PAID,
        OrderStatus.PACKED,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
    ):
        delivered = order_status_change(order=delivered, to_status=status)

    cart_line_add(cart=cart, variant_id=shop.variants["apple"].pk, quantity=2)
    pending = order_place(user=user, address=address, slot=shop.slots[1])

    cart_line_add(cart=cart, variant_id=shop.variants["tomato"].pk, quantity=3)
    line = cart.lines.get()
    return History(
        user=user,
        address=address,
        cart_line=line,
        pending_order=pending,
        delivered_order=delivered,
    )
