from rest_framework import serializers

from orders.payments.models import Payment


class PaymentStartSerializer(serializers.Serializer):
    """What a client needs to take the payment of one attempt."""

    provider = serializers.ChoiceField(
        choices=Payment.Provider.choices,
        help_text="`stripe`: confirm `client_secret` with Stripe.js or a mobile "
        "SDK. `offline`: open `payment_url`, the shop's test-card page.",
    )
    payment_id = serializers.CharField(
        help_text="The PaymentIntent id (`pi_...`), or the offline attempt's id."
    )
    attempt = serializers.IntegerField(help_text="1 for the first attempt.")
    status = serializers.ChoiceField(choices=Payment.Status.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(help_text="ISO 4217, e.g. `INR`.")
    client_secret = serializers.CharField(
        allow_null=True, help_text="The PaymentIntent's client secret; null offline."
    )
    publishable_key = serializers.CharField(
        allow_null=True, help_text="Stripe's publishable key; null offline."
    )
    payment_url = serializers.URLField(
        help_text="The shop's own payment page for this order."
    )
    return_url = serializers.URLField(
        help_text="The order page, where the shopper lands after paying."
    )


class WebhookAckSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField(
        help_text="True when this event id was received before; nothing changed."
    )
