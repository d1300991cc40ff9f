import pytest
from django.core import mail

from orders.invoicing.services import invoice_issue
from orders.invoicing.tasks import invoice_generate
from orders.models import Invoice
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_invoice(paid_order):
    invoice = invoice_issue(order=paid_order)
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.FAILED, last_error="EndpointConnectionError('s3')"
    )
    return invoice


def _change_url(order) -> str:
    return f"/admin/orders/order/{order.pk}/change/"


def test_staff_sees_a_failed_invoice_and_its_error_on_the_order(
    client, staff_user, paid_order, failed_invoice
):
    client.force_login(staff_user)

    response = client.get(_change_url(paid_order))

    assert response.status_code == 200
    content = response.content.decode()
    assert failed_invoice.number in content
    assert "Failed" in content
    assert "EndpointConnectionError(&#x27;s3&#x27;)" in content


def test_staff_sees_the_orders_emails_and_their_state(
    client, staff_user, paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)
    client.force_login(staff_user)

    response = client.get(_change_url(paid_order))

    content = response.content.decode()
    email = OutboundEmail.objects.get()
    assert f"/admin/shop/outboundemail/{email.pk}/change/" in content
    assert email.subject in content
    assert "Sent" in content
    assert f"/orders/{paid_order.number}/invoice/" in content


def test_a_seller_sees_neither_invoices_nor_emails(client, paid_order, failed_invoice):
    seller = paid_order.lines.first().seller
    client.force_login(seller)

    response = client.get(_change_url(paid_order))

    assert response.status_code == 200
    content = response.content.decode()
    assert failed_invoice.number not in content
    assert "Last error" not in content


def test_retry_action_renders_the_failed_invoice_and_sends_the_email(
    client, staff_user, paid_order, failed_invoice, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/orders/order/",
            {"action": "retry_invoice_and_emails", "_selected_action": [paid_order.pk]},
            follow=True,
        )

    assert f"Queued again: invoice of order {paid_order.number}." in (
        response.content.decode()
    )
    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.number == failed_invoice.number
    assert invoice.status == Invoice.Status.READY
    assert invoice.last_error == ""
    assert len(mail.outbox) == 1


def test_retry_action_sends_a_failed_email_once(
    client, staff_user, paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)
    OutboundEmail.objects.update(status=OutboundEmail.Status.FAILED)
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/orders/order/",
            {"action": "retry_invoice_and_emails", "_selected_action": [paid_order.pk]},
        )

    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 2


def test_retry_action_is_offered_to_staff_not_sellers(
    client, staff_user, paid_order, failed_invoice
):
    client.force_login(paid_order.lines.first().seller)
    seller_page = client.get("/admin/orders/order/")
    client.force_login(staff_user)
    staff_page = client.get("/admin/orders/order/")

    assert seller_page.status_code == staff_page.status_code == 200
    assert b'value="retry_invoice_and_emails"' not in seller_page.content
    assert b'value="retry_invoice_and_emails"' in staff_page.content
