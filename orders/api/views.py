"""The cart, delivery and orders API: thin views over the orders services.

The cart here belongs to the signed-in (JWT) user; a visitor's session cart
is the web pages' business. Refusals are `shop.errors.DomainError`s, which
the shared exception handler answers as `{"code", "detail", ...}`.
"""

from dataclasses import fields

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import address_get_for_user
from orders import selectors
from orders.api.serializers import (
    CartItemAddSerializer,
    CartItemUpdateSerializer,
    CartSerializer,
    OrderPlaceSerializer,
    OrderSerializer,
    OutOfStockErrorSerializer,
    PostalCodeQuerySerializer,
    ServiceabilitySerializer,
    SlotListSerializer,
)
from orders.models import CartLine, Order
from orders.services.cancellation import order_cancel
from orders.services.cart import (
    cart_get_or_create,
    cart_line_add,
    cart_line_remove,
    cart_line_set,
    cart_read,
)
from orders.services.delivery import delivery_slots_offer
from orders.services.placement import order_place
from shop.api_schema import ErrorSerializer, error_responses
from shop.errors import DomainError, NotFound
from shop.idempotency import KEY_MAX as IDEMPOTENCY_KEY_MAX
from shop.idempotency import (
    idempotency_key_from,
    idempotency_record_claim,
    idempotent_response,
    request_fingerprint,
)
from shop.ratelimit import check_rate, client_ip

TAG_CART = ["cart"]
TAG_DELIVERY = ["delivery"]
TAG_ORDERS = ["orders"]
# Slots offered by delivery/slots/: two days of hourly slots and some.
SLOTS_LISTED = 48

CART_RESPONSE_ERRORS = error_responses(400, 401, 404)
OUT_OF_STOCK = OpenApiResponse(
    OutOfStockErrorSerializer,
    description="`out_of_stock` (with `items`: what ran out and how many are "
    "left; nothing was taken), `order_share_exceeded` (with `items`: the most "
    "one order may take of each), `too_many_unpaid_orders`, `slot_full`, "
    "`unavailable` or another conflict.",
)


def _cart_area(*, user):
    """Return the area (with its store) an API client's cart is read at: the
    default address's, as v1 clients that name no store expect; or None."""
    return selectors.service_area_of_default_address(user=user)


def _cart_payload(*, user, area) -> dict:
    read = cart_read(
        cart=selectors.cart_get(user=user),
        store_id=area.store_id if area else None,
    )
    summary = read.summary
    payload = {field.name: getattr(summary, field.name) for field in fields(summary)}
    payload["messages"] = read.notes
    payload["store"] = (
        {
            "id": area.store_id,
            "name": area.store.name,
            "postal_code": area.postal_code,
            "area_name": area.name,
        }
        if area
        else None
    )
    return payload


def _cart_line_of_user(*, user, line_id: int) -> CartLine:
    line = CartLine.objects.filter(cart__user=user, pk=line_id).first()
    if line is None:
        raise NotFound("That cart line was not found.")
    return line


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=f"Any unique string up to {IDEMPOTENCY_KEY_MAX} characters, "
    "remembered for 24 hours; a retry of the same request with the same key "
    "is answered without doing it twice, and a different request with it is "
    "refused with 422 `idempotency_key_reused`.",
)
IDEMPOTENCY_REUSED = OpenApiResponse(
    ErrorSerializer,
    description="`idempotency_key_reused`: the Idempotency-Key came with a "
    "different request before.",
)


class CartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cart_retrieve",
        summary="The signed-in user's cart",
        description="Lines, totals, the delivery fee and how much more makes "
        "delivery free, read at `store`: the store serving the default "
        "address (null without a served default address; then any store's "
        "stock counts until the order is placed). Lines whose product went "
        "away are dropped and lines above that store's stock are capped; "
        "`messages` says which. Lines the store has none of are kept apart "
        "in `unavailable`, outside the totals; placing the order refuses "
        "them with `out_of_stock`.",
        responses={200: CartSerializer, **error_responses(401)},
        tags=TAG_CART,
    )
    def get(self, request):
        area = _cart_area(user=request.user)
        return Response(
            CartSerializer(_cart_payload(user=request.user, area=area)).data
        )


class CartItemsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cart_item_add",
        summary="Add a variant to the cart",
        description="Adds `quantity` (default 1) to the variant's line, capped "
        "by the cart's store's stock (see `GET cart/`) and the per-line "
        "maximum; the answer's `messages` says when it was capped.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=CartItemAddSerializer,
        responses={
            201: CartSerializer,
            **CART_RESPONSE_ERRORS,
            409: OpenApiResponse(
                ErrorSerializer,
                description="`out_of_stock` or `unavailable` (inactive product).",
            ),
            422: IDEMPOTENCY_REUSED,
        },
        tags=TAG_CART,
    )
    def post(self, request):
        return idempotent_response(
            request, scope="cart-item-add", answer=lambda: self._add(request)
        )

    def _add(self, request):
        serializer = CartItemAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cart = cart_get_or_create(user=request.user)
        area = _cart_area(user=request.user)
        change = cart_line_add(
            cart=cart,
            variant_id=serializer.validated_data["variant"],
            quantity=serializer.validated_data["quantity"],
            store_id=area.store_id if area else None,
        )
        payload = _cart_payload(user=request.user, area=area)
        if change.message:
            payload["messages"].insert(0, change.message)
        return Response(CartSerializer(payload).data, status=status.HTTP_201_CREATED)


class CartItemView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cart_item_update",
        summary="Change a cart line's quantity",
        description="Sets the quantity (capped by the cart's store's stock); "
        "0 removes the line. "
        "A line of another user's cart is not found.",
        request=CartItemUpdateSerializer,
        responses={
            200: CartSerializer,
            **CART_RESPONSE_ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description="`out_of_stock` or `unavailable`."
            ),
        },
        tags=TAG_CART,
    )
    def patch(self, request, line_id: int):
        line = _cart_line_of_user(user=request.user, line_id=line_id)
        serializer = CartItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area = _cart_area(user=request.user)
        change = cart_line_set(
            cart=line.cart,
            variant_id=line.variant_id,
            quantity=serializer.validated_data["quantity"],
            store_id=area.store_id if area else None,
        )
        payload = _cart_payload(user=request.user, area=area)
        if change.message:
            payload["messages"].insert(0, change.message)
        return Response(CartSerializer(payload).data)

    @extend_schema(
        operation_id="cart_item_remove",
        summary="Remove a line from the cart",
        responses={204: None, **error_responses(401, 404)},
        tags=TAG_CART,
    )
    def delete(self, request, line_id: int):
        line = _cart_line_of_user(user=request.user, line_id=line_id)
        cart_line_remove(cart=line.cart, line_id=line.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


POSTAL_CODE_PARAMETER = OpenApiParameter(
    "postal_code",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="A 6-digit PIN code, e.g. 560001.",
)


class ServiceabilityView(APIView):
    permission_classes = [AllowAny]
    # Public: a stale token sent along must not turn a lookup into a 401.
    authentication_classes = []

    @extend_schema(
        operation_id="delivery_serviceability",
        summary="Whether the shop delivers to a PIN code, and how fast",
        parameters=[POSTAL_CODE_PARAMETER],
        responses={200: ServiceabilitySerializer, **error_responses(400)},
        tags=TAG_DELIVERY,
    )
    def get(self, request):
        query = PostalCodeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        postal_code = query.validated_data["postal_code"]
        area = selectors.service_area_get(postal_code=postal_code)
        return Response(
            ServiceabilitySerializer(
                {
                    "postal_code": postal_code,
                    "serviceable": area is not None,
                    "area_name": area.name if area else None,
                    "promise_minutes": area.promise_minutes if area else None,
                }
            ).data
        )


class SlotListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="delivery_slots",
        summary="Bookable delivery slots for a PIN code",
        description="Future, open slots with capacity left, soonest first. "
        "A PIN code the shop does not serve is refused with `not_serviceable`.",
        parameters=[POSTAL_CODE_PARAMETER],
        responses={200: SlotListSerializer, **error_responses(400)},
        tags=TAG_DELIVERY,
    )
    def get(self, request):
        query = PostalCodeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        postal_code = query.validated_data["postal_code"]
        area = selectors.service_area_get(postal_code=postal_code)
        if area is None:
            raise DomainError(
                f"Sorry, we do not deliver to {postal_code} yet.",
                code="not_serviceable",
            )
        slots = list(delivery_slots_offer(store_id=area.store_id)[:SLOTS_LISTED])
        return Response(
            SlotListSerializer({"postal_code": postal_code, "slots": slots}).data
        )


class OrderListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular builds the schema without a signed-in user.
            return Order.objects.none()
        return selectors.order_list_for_user(user=self.request.user).prefetch_related(
            "lines", "history"
        )

    @extend_schema(
        operation_id="orders_list",
        summary="The signed-in user's orders, newest first, with status history",
        # 404: a `page` past the last one (DRF's page-number pagination).
        responses={200: OrderSerializer(many=True), **error_responses(400, 401, 404)},
        tags=TAG_ORDERS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="orders_place",
        summary="Place the cart as an order",
        description="Takes the stock and books the slot in one transaction, "
        "then awaits payment (`payment_due_at`). With an `Idempotency-Key`, "
        "a retry answers 200 with the same order instead of a second one.",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=OrderPlaceSerializer,
        responses={
            201: OrderSerializer,
            200: OpenApiResponse(
                OrderSerializer,
                description="The order an earlier request with this "
                "Idempotency-Key placed.",
            ),
            **error_responses(400, 401, 403, 404, 429),
            409: OUT_OF_STOCK,
            422: IDEMPOTENCY_REUSED,
        },
        tags=TAG_ORDERS,
    )
    def post(self, request):
        check_rate(
            request,
            group="checkout",
            rate_setting="SHOP_RATE_CHECKOUT",
            key="user_or_ip",
        )
        serializer = OrderPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = idempotency_key_from(request)
        if key is not None:
            record = idempotency_record_claim(
                user=request.user,
                scope="order-place",
                key=key,
                fingerprint=request_fingerprint(request),
            )
            # A new record after the key expired means a new order.
            key = f"api:{record.pk}"
        address = address_get_for_user(
            user=request.user, address_id=serializer.validated_data["address"]
        )
        slot = selectors.delivery_slot_get(slot_id=serializer.validated_data["slot"])
        placed = order_place(
            user=request.user,
            address=address,
            slot=slot,
            idempotency_key=key,
            client_ip=client_ip(request),
        )
        order = selectors.order_of_user(user=request.user, number=placed.number)
        return Response(
            OrderSerializer(order).data,
            status=status.HTTP_201_CREATED if placed.placed_now else status.HTTP_200_OK,
        )


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_retrieve",
        summary="One of the user's orders with lines and status history",
        responses={200: OrderSerializer, **error_responses(401, 404)},
        tags=TAG_ORDERS,
    )
    def get(self, request, number: str):
        return Response(
            OrderSerializer(
                selectors.order_of_user(user=request.user, number=number)
            ).data
        )


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order before it is packed",
        description="Stock and the slot go back; a paid order is refunded.",
        request=None,
        responses={
            200: OrderSerializer,
            **error_responses(401, 404),
            409: OpenApiResponse(
                ErrorSerializer,
                description="`not_cancellable`: the order is packed or further.",
            ),
        },
        tags=TAG_ORDERS,
    )
    def post(self, request, number: str):
        order = selectors.order_of_user(user=request.user, number=number)
        order_cancel(order=order, by=request.user)
        return Response(
            OrderSerializer(
                selectors.order_of_user(user=request.user, number=number)
            ).data
        )
