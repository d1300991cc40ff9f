from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from catalog.packs import unit_price
from shop.reverse import reverse_slug

# The highest price or MRP of one pack. With SHOP_MAX_LINE_QUANTITY packs a
# line, cart and order amounts (12 digits) stay far from overflowing.
PRICE_MAX = Decimal("100000.00")
PRICE_MAX_MESSAGE = "A price may be at most ₹1,00,000.00 a pack."


def _price_field(label: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        validators=[MaxValueValidator(PRICE_MAX, message=PRICE_MAX_MESSAGE)],
    )


def name_initials(name: str) -> str:
    """Return up to two initials of a name: "Banana Robusta" -> "BR"."""
    words = [w for w in name.replace("&", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper()


class Category(models.Model):
    """A node of the category tree; the storefront shows two levels."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveIntegerField(default=0)
    image = models.ImageField(upload_to="categories/", blank=True)
    # Made from `image` after it changes (catalog.services.category_save).
    thumbnail = models.ImageField(upload_to="categories/thumbs/", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("catalog:category", self.slug)


class Product(models.Model):
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(max_length=200)
    # Set once from the name and never changed, so links keep working.
    slug = models.SlugField(max_length=220, unique=True)
    brand = models.CharField(max_length=100, blank=True, db_index=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # Kept by the review service so listings can sort by rating without a join.
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["category", "is_active"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("catalog:product", self.slug)

    # What a product card shows. Listings from `catalog.selectors` load the
    # variants and the thumbnail with the products; elsewhere these query.

    @property
    def card_variants(self) -> list["ProductVariant"]:
        variants = getattr(self, "active_variants", None)
        if variants is None:
            variants = list(self.variants.filter(is_active=True))
        return variants

    @property
    def card_variant(self) -> "ProductVariant | None":
        """Return the variant a card offers: the cheapest in stock, else cheapest."""
        variants = self.card_variants
        pool = [v for v in variants if v.shelf_stock > 0] or variants
        if not pool:
            return None
        return min(pool, key=lambda v: (v.price, v.position, v.pk))

    @property
    def card_thumbnail_url(self) -> str:
        """Return the URL of the first picture's thumbnail, or "" while it has none."""
        if hasattr(self, "card_thumbnail"):
            name = self.card_thumbnail
        else:
            first = self.images.order_by("position", "id").first()
            name = first.thumbnail.name if first else ""
        if not name:
            return ""
        return ProductImage._meta.get_field("thumbnail").storage.url(name)

    @property
    def initials(self) -> str:
        return name_initials(self.name)


class ProductVariant(models.Model):
    """A pack size of a product ("500 g", "1 kg"): what is priced and stocked."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField("SKU", max_length=64, unique=True)
    label = models.CharField(max_length=50, help_text='Pack size, e.g. "500 g".')
    price = _price_field("price")
    # Maximum retail price: the compare-at price printed on the pack.
    mrp = _price_field("MRP")
    stock = models.IntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "price"]
        # Listings ask, per product, whether it has an active variant and one
        # in stock; these let PostgreSQL probe each product's variants with an
        # index-only scan instead of hashing every variant of the shop.
        indexes = [
            models.Index(
                fields=["product"],
                condition=models.Q(is_active=True),
                name="variant_product_active",
            ),
            models.Index(
                fields=["product"],
                condition=models.Q(is_active=True, stock__gt=0),
                name="variant_product_in_stock",
            ),
        ]
        constraints = [
            # Stock moves by conditional updates; this is the last line of defence.
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="variant_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="variant_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(mrp__gte=models.F("price")),
                name="variant_mrp_not_below_price",
            ),
            # With the MRP never below the price, this bounds both.
            models.CheckConstraint(
                condition=models.Q(mrp__lte=PRICE_MAX), name="variant_mrp_at_most_max"
            ),
        ]

    def __str__(self):
        return f"{self.product.name} {self.label}"

    @property
    def shelf_stock(self) -> int:
        """Return what the shopper can buy of it: the store's shelf when the read
        named a store (`shelf_quantity`, see `catalog.selectors`), else the
        shop-wide sum."""
        return getattr(self, "shelf_quantity", self.stock)

    @property
    def in_stock(self) -> bool:
        return self.shelf_stock > 0

    @property
    def price_per_unit(self) -> tuple[Decimal, str] | None:
        """Price per kg or per litre, to compare pack sizes; None for counts."""
        return unit_price(price=self.price, label=self.label)

    @property
    def discount_percent(self) -> int:
        if self.mrp <= self.price:
            return 0
        return int((self.mrp - self.price) * 100 / self.mrp)


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(upload_to="products/%Y/%m/")
    # A listing-size copy, made once off the request path; grids use only this.
    thumbnail = models.ImageField(upload_to="products/thumbs/%Y/%m/", blank=True)
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.alt_text or f"Image of {self.product_id}"


class Review(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user"], name="review_one_per_user_and_product"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="review_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.rating}★ {self.product_id} by {self.user_id}"

    @property
    def author_name(self) -> str:
        """The reviewer's first name, never their email address."""
        name = (self.user.name or "").split()
        return name[0] if name else "A shopper"


class CatalogGeneration(models.Model):
    """One row whose counter moves with every committed write to the catalogue.

    PostgreSQL triggers (migration `catalog_generation`) bump `n` in the
    writer's own transaction, so any write path is covered, and the anonymous
    page cache (`shop.pagecache`) keys pages by it.
    """

    n = models.BigIntegerField(default=0)

    def __str__(self):
        return f"catalogue generation {self.n}"


# The product page says "Only N left" up to this many, and "In stock" above:
# a shelf moving between two counts above it changes nothing a page shows,
# so it leaves every cached page alone (migration `shelf_generation`, which
# holds this number in SQL: changing it needs a migration).
STOCK_SHOWN_EXACTLY_UP_TO = 5


class ShelfGeneration(models.Model):
    """A counter per store that moves when what pages show of its shelf changes.

    PostgreSQL triggers bump a store's row when one of its shelves crosses
    what a page shows (out of stock, "only N left", in stock), and row 0 when
    a variant's shop-wide sum does; the page cache keys a store's pages by
    the catalogue generation, row 0 and that store's row, so an order at one
    store leaves other stores' pages, and pages it changed nothing on, cached.
    No foreign key: the catalogue knows stores only by their id.
    """

    # 0: the shop-wide sum (`ProductVariant.stock`), what a visitor without a
    # store sees.
    store_id = models.PositiveBigIntegerField(primary_key=True)
    n = models.BigIntegerField(default=0)

    def __str__(self):
        return f"shelf generation {self.n} of store {self.store_id}"


class SearchSynonym(models.Model):
    """A word shoppers type and the words the shop searches for instead.

    Staff keep this table in the admin: spellings ("aata" → "atta") show the
    shopper what was searched; synonyms ("cold drink" → "soft drink") do not.
    """

    class Kind(models.TextChoices):
        SPELLING = "spelling", "Spelling (the shopper is told)"
        SYNONYM = "synonym", "Synonym"

    term = models.CharField(
        max_length=100,
        unique=True,
        help_text="What shoppers type, in lower case: “aata”, “cold drink”.",
    )
    replacement = models.CharField(
        max_length=100, help_text="What is searched instead: “atta”, “soft drink”."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SPELLING)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            # Lower case and single-spaced, so a lookup is a plain comparison.
            models.CheckConstraint(
                condition=models.Q(term=Lower("term")),
                name="searchsynonym_term_lower_case",
            ),
        ]

    def __str__(self):
        return f"{self.term} → {self.replacement}"

    def clean(self):
        self.term = " ".join(self.term.lower().split())
        self.replacement = " ".join(self.replacement.split())
