from decimal import Decimal

import pytest
from django.core import mail

from orders.emails import order_status_email_queue
from orders.models import OrderStatus
from orders.tests.factories import OrderFactory
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db

SUBJECTS = {
    OrderStatus.PACKED: "Your order {} is packed",
    OrderStatus.OUT_FOR_DELIVERY: "Your order {} is on its way",
    OrderStatus.DELIVERED: "Your order {} was delivered",
    OrderStatus.CANCELLED: "Your order {} was cancelled",
    OrderStatus.REFUNDED: "Your order {} was refunded",
}


@pytest.mark.parametrize("status", list(SUBJECTS))
def test_status_email_is_recorded_and_sent_after_commit(
    paid_order, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = order_status_email_queue(order=paid_order, status=status)

    email.refresh_from_db()
    assert email.key == f"order-status:{paid_order.pk}:{status}"
    assert email.template == f"order_{status}"
    assert email.reference == paid_order.number
    assert email.status == OutboundEmail.Status.SENT
    [message] = mail.outbox
    assert message.to == [paid_order.email]
    assert message.subject == SUBJECTS[status].format(paid_order.number)
    assert paid_order.number in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert paid_order.number in html
    assert f"/orders/{paid_order.number}/" in message.body


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, "unknown"]
)
def test_other_statuses_send_nothing(paid_order, status):
    assert order_status_email_queue(order=paid_order, status=status) is None
    assert not OutboundEmail.objects.exists()


def test_the_same_status_twice_sends_one_email(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = order_status_email_queue(order=paid_order, status="packed")
        second = order_status_email_queue(order=paid_order, status="packed")

    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_status_change_service_emails_the_shopper_once(
    paid_order, django_capture_on_commit_callbacks
):
    from orders.services.status import order_status_change

    with django_capture_on_commit_callbacks(execute=True):
        order_status_change(order=paid_order, to_status=OrderStatus.PACKED)

    [message] = mail.outbox
    assert message.subject == f"Your order {paid_order.number} is packed"


def test_cancelled_paid_order_email_promises_the_refund(paid_order):
    email = order_status_email_queue(order=paid_order, status="cancelled")

    assert "₹316.50" in email.body_text
    assert "goes back to your original payment method" in email.body_text
    assert "nothing was charged" not in email.body_text


def test_cancelled_unpaid_order_email_says_nothing_was_charged(db):
    order = OrderFactory()

    email = order_status_email_queue(order=order, status="cancelled")

    assert "nothing was charged" in email.body_text
    assert "original payment method" not in email.body_text


def test_refunded_email_names_the_refunded_amount(paid_order):
    paid_order.refunded_amount = Decimal("120.00")

    email = order_status_email_queue(order=paid_order, status="refunded")

    assert "₹120" in email.body_text
    assert "₹120" in email.body_html


def test_html_email_escapes_product_names_and_text_keeps_them(paid_order_factory):
    order = paid_order_factory(
        lines=[("Chips <b>Masala</b> & Co", "50 g", Decimal("20.00"), 1)]
    )

    email = order_status_email_queue(order=order, status="packed")

    assert "Chips &lt;b&gt;Masala&lt;/b&gt; &amp; Co" in email.body_html
    assert "<b>Masala</b>" not in email.body_html
    assert "1 × Chips <b>Masala</b> & Co 50 g: ₹20" in email.body_text
