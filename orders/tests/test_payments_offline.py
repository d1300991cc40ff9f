"""The offline test-card provider feeds the webhook's own handler."""

import pytest

from orders.models import Invoice, OrderStatus, OrderStatusChange, Payment, StripeEvent
from orders.payments.offline import OfflinePaymentsDisabled, offline_payment_submit
from orders.payments.services import payment_start
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db


def pay_url(order):
    return f"/orders/{order.number}/pay/test-card/"


@pytest.fixture
def post_card(user_client, django_capture_on_commit_callbacks):
    def post(order, number):
        with django_capture_on_commit_callbacks(execute=True):
            return user_client.post(pay_url(order), {"card_number": number})

    return post


def test_the_success_card_pays_the_order_through_a_stored_event(
    offline_payments, user_client, post_card, payable_order
):
    user_client.get(f"/orders/{payable_order.number}/pay/")

    response = post_card(payable_order, "4242 4242 4242 4242")

    assert response.status_code == 302
    assert response.url == f"/orders/{payable_order.number}/"
    payable_order.refresh_from_db()
    payment = Payment.objects.get()
    assert payable_order.status == OrderStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    event = StripeEvent.objects.get()
    assert event.type == "payment_intent.succeeded"
    assert event.payload["data"]["object"]["id"] == payment.intent_id
    assert event.payload["data"]["object"]["amount"] == 18500
    assert event.payload["data"]["object"]["currency"] == "inr"
    assert Invoice.objects.filter(order=payable_order).count() == 1
    assert (
        OutboundEmail.objects.filter(
            key=f"order-confirmation:{payable_order.pk}"
        ).count()
        == 1
    )


def test_the_decline_card_fails_the_attempt_and_the_next_visit_opens_another(
    offline_payments, user_client, post_card, payable_order
):
    response = post_card(payable_order, "4000000000000002")

    assert response.status_code == 302
    assert response.url == f"/orders/{payable_order.number}/pay/"
    first = Payment.objects.get()
    assert first.status == Payment.Status.FAILED
    assert first.failure_message == "Your card was declined."
    assert StripeEvent.objects.get().type == "payment_intent.payment_failed"
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT

    page = user_client.get(response.url)

    assert "Your card was declined." in page.content.decode()
    assert list(
        Payment.objects.order_by("attempt").values_list("attempt", "status")
    ) == [
        (1, Payment.Status.FAILED),
        (2, Payment.Status.CREATED),
    ]


def test_declined_then_paid_marks_the_order_paid_once(
    offline_payments, post_card, payable_order
):
    post_card(payable_order, "4000000000000002")

    post_card(payable_order, "4242424242424242")

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert (
        OrderStatusChange.objects.filter(
            order=payable_order, to_status=OrderStatus.PAID
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("5555 5555 5555 4444", "Use one of the test cards shown on this page"),
        ("4242", "Enter the 16 digits of a test card."),
        ("abcd efgh ijkl mnop", "Enter the 16 digits of a test card."),
        ("", "This field is required."),
    ],
)
def test_other_numbers_are_refused_and_change_nothing(
    offline_payments, post_card, payable_order, number, message
):
    response = post_card(payable_order, number)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert StripeEvent.objects.count() == 0
    assert Payment.objects.get().status == Payment.Status.CREATED
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT


def test_paying_a_paid_order_again_changes_nothing(
    offline_payments, post_card, payable_order
):
    post_card(payable_order, "4242424242424242")

    response = post_card(payable_order, "4242424242424242")

    assert response.status_code == 302
    assert response.url == f"/orders/{payable_order.number}/"
    assert StripeEvent.objects.count() == 1
    assert Payment.objects.count() == 1


def test_the_test_card_page_is_404_when_offline_payments_are_off(
    fake_stripe, user_client, payable_order
):
    response = user_client.post(
        pay_url(payable_order), {"card_number": "4242424242424242"}
    )

    assert response.status_code == 404
    assert StripeEvent.objects.count() == 0
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT


def test_the_service_refuses_when_offline_payments_are_off(
    offline_payments, settings, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    settings.SHOP_OFFLINE_PAYMENTS = False

    with pytest.raises(OfflinePaymentsDisabled):
        offline_payment_submit(payment=payment, card_number="4242424242424242")

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert StripeEvent.objects.count() == 0


def test_another_users_order_is_404(
    offline_payments, client, other_user, payable_order
):
    client.force_login(other_user)

    response = client.post(pay_url(payable_order), {"card_number": "4242424242424242"})

    assert response.status_code == 404
    assert Payment.objects.count() == 0


def test_the_test_card_page_takes_only_post(
    offline_payments, user_client, payable_order
):
    response = user_client.get(pay_url(payable_order))

    assert response.status_code == 405


def test_the_order_page_says_the_last_payment_failed_and_offers_a_retry(
    offline_payments, user_client, post_card, payable_order
):
    post_card(payable_order, "4000000000000002")

    page = user_client.get(f"/orders/{payable_order.number}/").content.decode()

    assert "Payment failed" in page
    assert "Your last payment did not go through: Your card was declined." in page
    assert ">Try again</a>" in page


def test_the_order_page_says_a_processing_payment_needs_no_second_try(
    offline_payments, user_client, payable_order
):
    payment = payment_start(order=payable_order, user=payable_order.user)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.PROCESSING)

    page = user_client.get(f"/orders/{payable_order.number}/").content.decode()

    assert "Payment processing" in page
    assert "there is no need to pay again" in page
    assert "Pay now" not in page
