from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Product, ProductImage, ProductVariant, Review
from shop.api_json import JSONTypes

# A link that may be missing (no picture yet), as the schema should say.
NULLABLE_URI = serializers.URLField(allow_null=True)


def _absolute(request, url: str) -> str | None:
    if not url:
        return None
    # Local storage answers a path; S3 answers a full (signed) URL already.
    return request.build_absolute_uri(url) if request is not None else url


class CategorySerializer(serializers.Serializer):
    """A category and, nested, its subcategories (any depth)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    image = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The category's page.")

    def get_fields(self):
        fields = super().get_fields()
        # Declared here because a class cannot name itself in its own body.
        fields["children"] = CategorySerializer(many=True, read_only=True)
        return fields

    @extend_schema_field(NULLABLE_URI)
    def get_image(self, node) -> str | None:
        return _absolute(self.context.get("request"), node.image_url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, node) -> str:
        return _absolute(self.context.get("request"), node.get_absolute_url())


class CategoryRefSerializer(serializers.Serializer):
    """The category a product sits in."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class AvailabilityStoreSerializer(serializers.Serializer):
    """The dark store availability was read at, and the PIN code that chose it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    postal_code = serializers.CharField(
        help_text="The PIN code asked about; empty when the store was named by id."
    )
    area_name = serializers.CharField()


class VariantSerializer(serializers.ModelSerializer):
    """A pack size: what goes in the cart (`POST cart/items/` takes its `id`)."""

    discount_percent = serializers.IntegerField(
        read_only=True, help_text="Whole-number discount on the MRP."
    )
    in_stock = serializers.BooleanField(
        read_only=True,
        help_text="Whether it can be bought: at the store asked about "
        "(`postal_code` or `store`), else at any store.",
    )
    stock = serializers.IntegerField(
        source="shelf_stock",
        read_only=True,
        help_text="Units on the shelf of the store asked about; without one, "
        "the sum over every store.",
    )

    class Meta:
        model = ProductVariant
        fields = [
            "id",
            "sku",
            "label",
            "price",
            "mrp",
            "discount_percent",
            "in_stock",
            "stock",
        ]
        read_only_fields = fields


class ImageSerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField(help_text="The full-size picture.")
    thumbnail = serializers.SerializerMethodField(
        help_text="A 320 px square for lists; null until it has been made."
    )

    class Meta:
        model = ProductImage
        fields = ["id", "image", "thumbnail", "alt_text"]
        read_only_fields = fields
        # "Image" with a field `image` breaks openapi-python-client's model.
        ref_name = "ProductImage"

    @extend_schema_field(NULLABLE_URI)
    def get_image(self, image) -> str | None:
        return _absolute(self.context.get("request"), image.image.url)

    @extend_schema_field(NULLABLE_URI)
    def get_thumbnail(self, image) -> str | None:
        url = image.thumbnail.url if image.thumbnail else ""
        return _absolute(self.context.get("request"), url)


class ProductListSerializer(serializers.ModelSerializer):
    """A product as a list shows it: the cheapest offer, stock, rating."""

    category = serializers.SerializerMethodField()
    price = serializers.DecimalField(
        source="price_from",
        max_digits=12,
        decimal_places=2,
        help_text="The cheapest price in stock, else the cheapest price.",
    )
    mrp = serializers.SerializerMethodField(help_text="The MRP of that offer.")
    discount_percent = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField(
        help_text="Whether a variant can be bought: at the store asked about, "
        "else at any store."
    )
    rating = serializers.DecimalField(
        source="rating_avg", max_digits=3, decimal_places=2
    )
    thumbnail = serializers.SerializerMethodField(
        help_text="The first picture's 320 px thumbnail, or null."
    )
    variants = VariantSerializer(source="card_variants", many=True)
    url = serializers.SerializerMethodField(help_text="The product's page.")

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "brand",
            "category",
            "price",
            "mrp",
            "discount_percent",
            "in_stock",
            "rating",
            "rating_count",
            "thumbnail",
            "variants",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(CategoryRefSerializer)
    def get_category(self, product) -> dict | None:
        node = self.context["tree"].get_by_id(product.category_id)
        return CategoryRefSerializer(node).data if node else None

    @extend_schema_field(
        serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    )
    def get_mrp(self, product):
        variant = product.card_variant
        return f"{variant.mrp:.2f}" if variant else None

    def get_discount_percent(self, product) -> int:
        variant = product.card_variant
        return variant.discount_percent if variant else 0

    @extend_schema_field(NULLABLE_URI)
    def get_thumbnail(self, product) -> str | None:
        return _absolute(self.context.get("request"), product.card_thumbnail_url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product) -> str:
        return _absolute(self.context.get("request"), product.get_absolute_url())


class ProductDetailSerializer(serializers.ModelSerializer):
    """A product with every active variant, every picture and its rating."""

    category = serializers.SerializerMethodField()
    breadcrumbs = serializers.SerializerMethodField(
        help_text="The categories from the top one down to the product's."
    )
    in_stock = serializers.SerializerMethodField(
        help_text="Whether a variant can be bought: at the store asked about, "
        "else at any store."
    )
    store = serializers.SerializerMethodField(
        help_text="The store asked about (`postal_code` or `store`), or null."
    )
    rating = serializers.DecimalField(
        source="rating_avg", max_digits=3, decimal_places=2
    )
    variants = VariantSerializer(source="active_variants", many=True)
    images = ImageSerializer(many=True, source="images.all")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "brand",
            "description",
            "category",
            "breadcrumbs",
            "in_stock",
            "store",
            "rating",
            "rating_count",
            "variants",
            "images",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(CategoryRefSerializer)
    def get_category(self, product) -> dict:
        return CategoryRefSerializer(product.category_node).data

    @extend_schema_field(CategoryRefSerializer(many=True))
    def get_breadcrumbs(self, product) -> list:
        path = self.context["tree"].path(product.category_node)
        return CategoryRefSerializer(path, many=True).data

    def get_in_stock(self, product) -> bool:
        return any(v.in_stock for v in product.active_variants)

    @extend_schema_field(AvailabilityStoreSerializer(allow_null=True))
    def get_store(self, _product) -> dict | None:
        store = self.context.get("store")
        return AvailabilityStoreSerializer(store).data if store else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product) -> str:
        return _absolute(self.context.get("request"), product.get_absolute_url())


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="author_name", read_only=True, help_text="The reviewer's first name."
    )

    class Meta:
        model = Review
        fields = ["id", "rating", "title", "text", "author", "created_at"]
        read_only_fields = fields


class ReviewCreateSerializer(JSONTypes, serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    text = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
