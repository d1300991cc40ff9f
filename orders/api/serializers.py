from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.api.fields import PinCodeField
from accounts.validators import PIN_CODE_HELP, postal_code_clean
from orders.models import (
    DarkStore,
    DeliveryKind,
    DeliverySlot,
    Order,
    OrderLine,
    OrderStatusChange,
)
from orders.services.cancellation import CANCELLABLE_BY_SHOPPER
from orders.services.cart import line_cap
from shop.api_json import JSONTypes
from shop.api_schema import ErrorSerializer

# The largest id PostgreSQL's bigint holds; a larger one is refused as invalid.
MAX_ID = 2**63 - 1


# CART


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    product_name = serializers.CharField(source="variant.product.name")
    product_slug = serializers.CharField(source="variant.product.slug")
    label = serializers.CharField(source="variant.label")
    unit_price = serializers.DecimalField(
        source="variant.price", max_digits=12, decimal_places=2
    )
    mrp = serializers.DecimalField(
        source="variant.mrp", max_digits=12, decimal_places=2
    )
    quantity = serializers.IntegerField()
    max_quantity = serializers.SerializerMethodField(
        help_text="The most this line can hold now: the cart's store's stock, "
        "or the shop's limit; 0 for a line in `unavailable`."
    )
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    image = serializers.SerializerMethodField()

    def get_max_quantity(self, line) -> int:
        return line_cap(line.variant)

    def get_image(self, line) -> str | None:
        images = list(line.variant.product.images.all())
        if not images:
            return None
        picture = images[0].thumbnail or images[0].image
        return picture.url if picture else None


class CartStoreSerializer(serializers.Serializer):
    """The dark store a cart is read at, and the PIN code that chose it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    postal_code = serializers.CharField()
    area_name = serializers.CharField()


class CartSerializer(serializers.Serializer):
    store = CartStoreSerializer(
        allow_null=True,
        help_text="The store serving the default address, whose stock caps "
        "the lines; null without a served default address.",
    )
    lines = CartLineSerializer(many=True)
    unavailable = CartLineSerializer(
        many=True,
        help_text="Lines the store has none of now: kept, outside the totals, "
        "refused when the order is placed.",
    )
    count = serializers.IntegerField(help_text="Units in the cart.")
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
    delivery_fee = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    free_delivery_left = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="How much more makes delivery free; 0 when it already is.",
    )
    free_delivery_threshold = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.SerializerMethodField()
    messages = serializers.ListField(
        child=serializers.CharField(),
        help_text="What changed since the cart was last seen (items gone, capped).",
    )

    def get_currency(self, _summary) -> str:
        return settings.SHOP_CURRENCY


def _quantity_bounds(value: int, low: int) -> int:
    high = settings.SHOP_MAX_LINE_QUANTITY
    if not low <= value <= high:
        raise serializers.ValidationError(
            f"The quantity must be between {low} and {high}."
        )
    return value


# States the quantity's bounds in the schema (validate_quantity checks them);
# the upper one is a setting, so it is read per instance, not at import. A
# comment, not a docstring: drf-spectacular would publish that as the
# serializers' description.
class _QuantityBoundsInSchema:
    LOWEST_QUANTITY = 1

    def get_fields(self):
        fields = super().get_fields()
        fields["quantity"].min_value = self.LOWEST_QUANTITY
        fields["quantity"].max_value = settings.SHOP_MAX_LINE_QUANTITY
        return fields


class CartItemAddSerializer(JSONTypes, _QuantityBoundsInSchema, serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(
        default=1, help_text="How many more; at most SHOP_MAX_LINE_QUANTITY."
    )

    def validate_quantity(self, value):
        return _quantity_bounds(value, self.LOWEST_QUANTITY)


class CartItemUpdateSerializer(
    JSONTypes, _QuantityBoundsInSchema, serializers.Serializer
):
    LOWEST_QUANTITY = 0

    quantity = serializers.IntegerField(help_text="The new quantity; 0 removes.")

    # PATCH sets the one thing a line has, so its body is never partial:
    # drf-spectacular would otherwise document `quantity` as optional.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass

    def validate_quantity(self, value):
        return _quantity_bounds(value, self.LOWEST_QUANTITY)


# DELIVERY


class PostalCodeQuerySerializer(serializers.Serializer):
    postal_code = PinCodeField(max_length=12, help_text=PIN_CODE_HELP)

    def validate_postal_code(self, value):
        try:
            return postal_code_clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc


class StoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = DarkStore
        fields = ["id", "name"]


class ServiceabilityStoreSerializer(serializers.ModelSerializer):
    opens_at = serializers.TimeField(help_text="Local time, in the shop's zone.")
    closes_at = serializers.TimeField(
        help_text="Local time, the last open second; before `opens_at`, the "
        "store works through midnight, and equal to it, around the clock."
    )

    class Meta:
        model = DarkStore
        fields = ["id", "name", "opens_at", "closes_at"]


class ExpressPromiseSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(
        allow_null=True,
        help_text="Minutes an express order placed now is promised in: the "
        "store's base time plus its queue of paid, unpacked orders; null when "
        "express is not offered now.",
    )
    code = serializers.CharField(
        allow_null=True,
        help_text="Why express is not offered: `store_closed` or `express_full`; "
        "null when it is.",
    )
    reason = serializers.CharField(
        allow_null=True, help_text="The same, in words for the shopper."
    )
    places_left = serializers.IntegerField(
        help_text="Express orders the store can still take in its rolling window."
    )


class ServiceabilitySerializer(serializers.Serializer):
    postal_code = serializers.CharField()
    serviceable = serializers.BooleanField()
    area_name = serializers.CharField(allow_null=True)
    promise_minutes = serializers.IntegerField(
        allow_null=True,
        help_text="The area's advertised delivery time, in minutes, as v1 "
        "answered it; `express.minutes` is what an order placed now is promised.",
    )
    store = ServiceabilityStoreSerializer(
        allow_null=True, help_text="The dark store serving the PIN code."
    )
    is_open = serializers.BooleanField(
        allow_null=True, help_text="Whether that store takes orders now."
    )
    express = ExpressPromiseSerializer(
        allow_null=True, help_text="The store's express promise now."
    )


class SlotSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField(help_text="Orders the slot can still take.")

    class Meta:
        model = DeliverySlot
        fields = ["id", "starts_at", "ends_at", "capacity", "remaining"]


class SlotListSerializer(serializers.Serializer):
    postal_code = serializers.CharField()
    slots = SlotSerializer(many=True)


# ORDERS


class OrderPlaceSerializer(JSONTypes, serializers.Serializer):
    address = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="An id from me/addresses/."
    )
    delivery = serializers.ChoiceField(
        choices=DeliveryKind.choices,
        required=False,
        # Not DRF's message, which repeats the input: a lone surrogate in it
        # could not be encoded into the answer.
        error_messages={"invalid_choice": "Choose `express` or `slot`."},
        help_text="`express` (in minutes, from the address's store) or `slot` "
        "(then `slot` is required). Without it, a `slot` means that slot, and "
        "no `slot` means express if the store offers it now, else 409 "
        "`slot_required` with slots to choose from.",
    )
    slot = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="An id from delivery/slots/.",
    )

    # What `validate` refuses, for the schema (shop.api_schema.AutoSchema).
    schema_refuses = [
        {
            "required": ["delivery", "slot"],
            "properties": {"delivery": {"enum": [DeliveryKind.EXPRESS.value]}},
        },
        {
            "required": ["delivery"],
            "properties": {"delivery": {"enum": [DeliveryKind.SLOT.value]}},
            "not": {"required": ["slot"]},
        },
    ]

    def validate(self, attrs):
        delivery = attrs.get("delivery")
        if delivery == DeliveryKind.EXPRESS and "slot" in attrs:
            raise serializers.ValidationError(
                {"slot": ["Express delivery takes no slot; send one or the other."]}
            )
        if delivery == DeliveryKind.SLOT and "slot" not in attrs:
            raise serializers.ValidationError(
                {"slot": ["Choose a slot from delivery/slots/."]}
            )
        return attrs


class OrderLineSerializer(serializers.ModelSerializer):
    variant = serializers.IntegerField(source="variant_id", allow_null=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "variant",
            "product_name",
            "variant_label",
            "sku",
            "unit_price",
            "quantity",
            "line_total",
            "refunded_quantity",
        ]


class OrderStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "note", "created_at"]


class OrderSlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliverySlot
        fields = ["id", "starts_at", "ends_at"]


class OrderSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    store = StoreSerializer(help_text="The dark store that picks the order.")
    slot = OrderSlotSerializer(allow_null=True, help_text="Null for express.")
    promised_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the order is promised to arrive: placed + the store's "
        "express promise, or the slot's end.",
    )
    lines = OrderLineSerializer(many=True)
    history = OrderStatusChangeSerializer(many=True)
    can_cancel = serializers.SerializerMethodField()
    address = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="The delivery address as it was when the order was placed.",
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "status_display",
            "email",
            "address",
            "postal_code",
            "store",
            "delivery_kind",
            "slot",
            "promised_at",
            "subtotal",
            "delivery_fee",
            "total",
            "refunded_amount",
            "currency",
            "payment_due_at",
            "paid_at",
            "created_at",
            "can_cancel",
            "lines",
            "history",
        ]

    def get_can_cancel(self, order) -> bool:
        return order.status in CANCELLABLE_BY_SHOPPER


class ShortageSerializer(serializers.Serializer):
    variant = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField(
        required=False, help_text="`out_of_stock`: how many are left."
    )
    allowed = serializers.IntegerField(
        required=False,
        help_text="`order_share_exceeded`: the most one order may take now.",
    )


class OfferedSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    remaining = serializers.IntegerField()


class OutOfStockErrorSerializer(ErrorSerializer):
    """409 `out_of_stock` or `order_share_exceeded`: which items, and how many
    are left or may be taken; `express_full`, `store_closed` or
    `slot_required`: the slots to choose instead."""

    items = ShortageSerializer(many=True, required=False)
    slots = OfferedSlotSerializer(
        many=True,
        required=False,
        help_text="`express_full`, `store_closed`, `slot_required`: the store's "
        "soonest bookable slots.",
    )
