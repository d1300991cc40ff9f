"""Over real HTTP both ways: the shop's API, stripe-python, the fake Stripe and
its signed webhook back to the running shop, as docs/payments.md describes."""

import json
import urllib.request

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from orders.models import Invoice, OrderStatus, Payment
from orders.tests.fake_stripe import WEBHOOK_URL, FakeStripeServer


def post_json(url, headers=None):
    request = urllib.request.Request(
        url, data=b"", headers=headers or {}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


@pytest.mark.django_db(transaction=True)
def test_a_card_payment_end_to_end_over_http(
    live_server, settings, payable_order, user
):
    stand_in = FakeStripeServer(
        api_key="sk_test_e2e",
        webhook_url=live_server.url + WEBHOOK_URL,
        webhook_secret="whsec_e2e",
    ).start()
    settings.STRIPE_API_BASE = stand_in.url
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_e2e"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_e2e"
    settings.SHOP_OFFLINE_PAYMENTS = False
    token = RefreshToken.for_user(user).access_token
    try:
        status, started = post_json(
            f"{live_server.url}/api/v1/orders/{payable_order.number}/payment/",
            {"Authorization": f"Bearer {token}"},
        )
        assert status == 200
        assert started["provider"] == "stripe"

        status, outcome = post_json(
            f"{stand_in.url}/_fake/payment_intents/{started['payment_id']}/succeed"
        )
    finally:
        stand_in.stop()

    assert outcome["webhook_status"] == 200
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert Invoice.objects.filter(order=payable_order).count() == 1
