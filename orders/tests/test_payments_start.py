"""Starting and resuming a payment: service, API and the payment page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import OrderStatus, Payment
from orders.payments.services import PaymentProviderError, payment_start
from orders.tests.factories import OrderFactory
from shop.errors import Conflict, NotFound

pytestmark = pytest.mark.django_db

API = "/api/v1/orders/{}/payment/"


def test_start_creates_a_payment_intent_for_the_total_in_minor_units(
    fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)

    assert payable_order.total == Decimal("185.00")
    [request] = fake_stripe.requests_to("POST", "/v1/payment_intents")
    assert request["params"] == {
        "amount": "18500",
        "currency": "inr",
        "metadata": {
            "order_number": payable_order.number,
            "order_id": str(payable_order.pk),
            "attempt": "1",
        },
        "automatic_payment_methods": {"enabled": "true"},
    }
    assert request["idempotency_key"] == f"order-{payable_order.pk}-attempt-1"
    intent = fake_stripe.intents[payment.intent_id]
    assert (payment.provider, payment.attempt, payment.status) == (
        Payment.Provider.STRIPE,
        1,
        Payment.Status.CREATED,
    )
    assert payment.client_secret == intent["client_secret"]
    assert (payment.amount, payment.currency) == (Decimal("185.00"), "INR")


def test_start_again_resumes_the_open_attempt_without_calling_stripe(
    fake_stripe, payable_order, user
):
    first = payment_start(order=payable_order, user=user)

    again = payment_start(order=payable_order, user=user)

    assert again.pk == first.pk
    assert len(fake_stripe.requests_to("POST", "/v1/payment_intents")) == 1
    assert Payment.objects.count() == 1


def test_start_after_a_failure_opens_the_next_attempt_with_its_own_key(
    fake_stripe, payable_order, user
):
    first = payment_start(order=payable_order, user=user)
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.FAILED)

    second = payment_start(order=payable_order, user=user)

    assert second.attempt == 2
    assert second.intent_id != first.intent_id
    keys = [
        r["idempotency_key"]
        for r in fake_stripe.requests_to("POST", "/v1/payment_intents")
    ]
    assert keys == [
        f"order-{payable_order.pk}-attempt-1",
        f"order-{payable_order.pk}-attempt-2",
    ]


def test_start_for_another_users_order_is_not_found(
    fake_stripe, payable_order, other_user
):
    with pytest.raises(NotFound):
        payment_start(order=payable_order, user=other_user)

    assert Payment.objects.count() == 0
    assert fake_stripe.requests == []


@pytest.mark.parametrize(
    "status", [OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.DELIVERED]
)
def test_start_for_an_order_not_awaiting_payment_is_a_conflict(
    fake_stripe, user, status
):
    order = OrderFactory(user=user, status=status)

    with pytest.raises(Conflict) as caught:
        payment_start(order=order, user=user)

    assert caught.value.code == "order_not_payable"
    assert Payment.objects.count() == 0
    assert fake_stripe.requests == []


def test_start_after_the_payment_window_closed_is_a_conflict(fake_stripe, user):
    order = OrderFactory(
        user=user, payment_due_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(Conflict) as caught:
        payment_start(order=order, user=user)

    assert caught.value.code == "payment_window_closed"
    assert Payment.objects.count() == 0


def test_start_when_stripe_is_down_stores_nothing(fake_stripe, payable_order, user):
    # stripe-python tries three times (two retries) on a server error.
    fake_stripe.fail_next = [(500, {"error": {"type": "api_error"}})] * 3

    with pytest.raises(PaymentProviderError):
        payment_start(order=payable_order, user=user)

    assert Payment.objects.count() == 0
    assert len(fake_stripe.requests_to("POST", "/v1/payment_intents")) == 3


def test_offline_start_needs_no_stripe(offline_payments, payable_order, user):
    payment = payment_start(order=payable_order, user=user)

    assert payment.provider == Payment.Provider.OFFLINE
    assert payment.intent_id.startswith("offline_pi_")
    assert payment.client_secret == ""
    assert payment.amount == payable_order.total


# API


def test_api_returns_what_stripe_js_needs(fake_stripe, auth_api_client, payable_order):
    response = auth_api_client.post(API.format(payable_order.number))

    assert response.status_code == 200
    payment = Payment.objects.get()
    assert response.json() == {
        "provider": "stripe",
        "payment_id": payment.intent_id,
        "attempt": 1,
        "status": "created",
        "amount": "185.00",
        "currency": "INR",
        "client_secret": payment.client_secret,
        "publishable_key": "pk_test_fake",
        "payment_url": f"http://testserver/orders/{payable_order.number}/pay/",
        "return_url": f"http://testserver/orders/{payable_order.number}/",
    }


def test_api_offline_points_at_the_test_card_page(
    offline_payments, auth_api_client, payable_order
):
    response = auth_api_client.post(API.format(payable_order.number))

    body = response.json()
    assert response.status_code == 200
    assert body["provider"] == "offline"
    assert body["client_secret"] is None
    assert body["publishable_key"] is None
    assert (
        body["payment_url"] == f"http://testserver/orders/{payable_order.number}/pay/"
    )


def test_api_for_another_users_order_is_404(fake_stripe, api_client, other_user, user):
    from rest_framework_simplejwt.tokens import RefreshToken

    order = OrderFactory(user=user)
    token = RefreshToken.for_user(other_user).access_token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.post(API.format(order.number))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Payment.objects.count() == 0


def test_api_for_an_unknown_order_is_404(fake_stripe, auth_api_client):
    response = auth_api_client.post(API.format("FC-NOPE"))

    assert response.status_code == 404


def test_api_for_a_paid_order_is_409(fake_stripe, auth_api_client, user):
    order = OrderFactory(user=user, status=OrderStatus.PAID)

    response = auth_api_client.post(API.format(order.number))

    assert response.status_code == 409
    assert response.json()["code"] == "order_not_payable"
    assert Payment.objects.count() == 0


def test_api_without_a_token_is_401(fake_stripe, api_client, payable_order):
    response = api_client.post(API.format(payable_order.number))

    assert response.status_code == 401
    assert Payment.objects.count() == 0


def test_api_when_stripe_is_down_is_503(fake_stripe, auth_api_client, payable_order):
    fake_stripe.fail_next = [(500, {"error": {"type": "api_error"}})] * 3

    response = auth_api_client.post(API.format(payable_order.number))

    assert response.status_code == 503
    assert response.json()["code"] == "payment_provider_unavailable"
    assert Payment.objects.count() == 0


# The payment page


def test_page_with_stripe_hands_the_payment_element_its_keys(
    fake_stripe, user_client, payable_order
):
    response = user_client.get(f"/orders/{payable_order.number}/pay/")

    payment = Payment.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-client-secret="{payment.client_secret}"' in html
    assert 'data-publishable-key="pk_test_fake"' in html
    assert f'data-return-url="http://testserver/orders/{payable_order.number}/"' in html
    assert '<script src="https://js.stripe.com/v3/" defer></script>' in html
    assert "/static/js/payment.js" in html
    # The Content-Security-Policy forbids inline scripts: every script has a src.
    assert html.count("<script") == html.count("<script src=")
    assert "no-store" in response["Cache-Control"]


def test_page_after_a_failure_says_why_and_offers_a_new_attempt(
    fake_stripe, user_client, payable_order, user
):
    first = payment_start(order=payable_order, user=user)
    Payment.objects.filter(pk=first.pk).update(
        status=Payment.Status.FAILED,
        failure_message="Your card has insufficient funds.",
    )

    response = user_client.get(f"/orders/{payable_order.number}/pay/")

    second = Payment.objects.get(attempt=2)
    html = response.content.decode()
    assert "Your card has insufficient funds." in html
    assert f'data-client-secret="{second.client_secret}"' in html


def test_page_offline_shows_the_test_cards_and_banner(
    offline_payments, user_client, payable_order
):
    response = user_client.get(f"/orders/{payable_order.number}/pay/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Test payments." in html
    assert "4242 4242 4242 4242" in html
    assert "4000 0000 0000 0002" in html
    assert 'autocomplete="cc-number"' in html
    assert "js.stripe.com" not in html


def test_page_for_a_paid_order_goes_back_to_the_order(fake_stripe, user_client, user):
    order = OrderFactory(user=user, status=OrderStatus.PAID)

    response = user_client.get(f"/orders/{order.number}/pay/")

    assert response.status_code == 302
    assert response.url == f"/orders/{order.number}/"
    assert Payment.objects.count() == 0


def test_page_for_another_users_order_is_404(fake_stripe, client, other_user, user):
    order = OrderFactory(user=user)
    client.force_login(other_user)

    response = client.get(f"/orders/{order.number}/pay/")

    assert response.status_code == 404
    assert Payment.objects.count() == 0


def test_page_asks_a_visitor_to_log_in(fake_stripe, client, payable_order):
    response = client.get(f"/orders/{payable_order.number}/pay/")

    assert response.status_code == 302
    assert response.url.startswith("/account/login/")
    assert Payment.objects.count() == 0
