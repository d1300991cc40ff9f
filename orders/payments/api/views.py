"""The payments API: start or resume a payment, and Stripe's webhook."""

import logging

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.payments import stripe as stripe_api
from orders.payments.api.serializers import PaymentStartSerializer, WebhookAckSerializer
from orders.payments.models import Payment
from orders.payments.services import (
    PaymentProviderError,
    payment_start,
    stripe_event_receive,
)
from orders.selectors import order_of_user
from shop.api_schema import ErrorSerializer, error_responses
from shop.errors import DomainError

logger = logging.getLogger(__name__)

UNAVAILABLE = OpenApiResponse(
    ErrorSerializer,
    description="Stripe could not be reached (`payment_provider_unavailable`); "
    "nothing was stored, try again.",
)


class WebhookNotConfigured(DomainError):
    code = "webhook_not_configured"
    status_code = 503


class SignatureRefused(DomainError):
    """A delivery Stripe did not sign: well formed or not, it may not act (403)."""

    code = "invalid_signature"
    status_code = 403


# What Stripe sends: the time, then one or more schemes' hex signatures.
SIGNATURE_PATTERN = r"^t=[0-9]+(,v[0-9]+=[0-9a-f]+)+$"


class OrderPaymentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="order_payment_start",
        summary="Start or resume paying for an order",
        description="Returns the open payment attempt of an order awaiting "
        "payment, or opens the next one after a failure. With Stripe, confirm "
        "`client_secret` with `publishable_key`; the order moves to `paid` when "
        "Stripe's webhook arrives. Offline (test shops), open `payment_url`.",
        request=None,
        responses={
            200: PaymentStartSerializer,
            **error_responses(401, 404, 409),
            503: UNAVAILABLE,
        },
        tags=["orders"],
    )
    def post(self, request, number):
        order = order_of_user(user=request.user, number=number)
        payment = payment_start(order=order, user=request.user)
        stripe = payment.provider == Payment.Provider.STRIPE
        data = {
            "provider": payment.provider,
            "payment_id": payment.intent_id,
            "attempt": payment.attempt,
            "status": payment.status,
            "amount": payment.amount,
            "currency": payment.currency,
            "client_secret": payment.client_secret if stripe else None,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY if stripe else None,
            "payment_url": request.build_absolute_uri(
                reverse("orders:payment", kwargs={"number": order.number})
            ),
            "return_url": request.build_absolute_uri(order.get_absolute_url()),
        }
        return Response(PaymentStartSerializer(data).data)


class StripeWebhookView(APIView):
    # Stripe signs its deliveries; there is no user and no CSRF token.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="stripe_webhook",
        summary="Receive a Stripe event",
        description="For Stripe only. The `Stripe-Signature` header is checked "
        "against `STRIPE_WEBHOOK_SECRET`; each event id is applied once. "
        "Handled: `payment_intent.succeeded`, `payment_intent.payment_failed`, "
        "`payment_intent.processing`, `payment_intent.canceled`, "
        "`charge.refunded`; other types are acknowledged and ignored.",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "Stripe-Signature",
                {"type": "string", "pattern": SIGNATURE_PATTERN},
                OpenApiParameter.HEADER,
                required=True,
                description="`t=<unix time>,v1=<HMAC-SHA256 of t.payload>`",
            )
        ],
        responses={
            200: WebhookAckSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Signed, but not an event (`invalid_event`); "
                "nothing was stored.",
            ),
            403: OpenApiResponse(
                ErrorSerializer,
                description="A missing, malformed, forged or stale signature "
                "(`invalid_signature`); nothing was stored.",
            ),
            503: OpenApiResponse(
                ErrorSerializer,
                description="`STRIPE_WEBHOOK_SECRET` is not set "
                "(`webhook_not_configured`), or Stripe could not be reached "
                "(`payment_provider_unavailable`); Stripe delivers again later.",
            ),
        },
        tags=["payments"],
    )
    def post(self, request):
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise WebhookNotConfigured(
                "Stripe webhooks are not configured on this shop."
            )
        try:
            event = stripe_api.webhook_event_construct(
                payload=request.body,
                signature=request.headers.get("Stripe-Signature", ""),
            )
        except stripe_api.SignatureVerificationError as exc:
            logger.warning("stripe webhook refused: %s", exc)
            raise SignatureRefused(
                "The Stripe signature is missing, forged or too old."
            ) from exc
        except ValueError as exc:
            raise DomainError(
                "The body is not a Stripe event.", code="invalid_event"
            ) from exc
        try:
            applied = stripe_event_receive(event=event)
        except stripe_api.StripeError as exc:
            # Stripe redelivers on anything but 2xx, so the event is not lost.
            raise PaymentProviderError(
                "Stripe could not be reached while applying this event."
            ) from exc
        return Response({"received": True, "duplicate": not applied})
