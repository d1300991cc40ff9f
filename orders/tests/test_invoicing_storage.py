"""Invoices on S3 (moto's server on loopback, through django-storages and boto3),
and what a storage outage does: retries with a limit, a failed invoice that the
admin's retry brings back, never a second number or email."""

import logging

import pytest
from django.core import mail

from orders.invoicing.services import order_invoice_and_emails_retry
from orders.invoicing.tasks import invoice_generate
from orders.models import Invoice, InvoiceSequence
from shop.celery import app as celery_app
from shop.models import OutboundEmail
from shop.tests.smtp_server import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_retries():
    """Let eager tasks run their retries in turn instead of raising Retry."""
    celery_app.conf.task_eager_propagates = False


@pytest.fixture
def s3_down(settings, s3_media):
    """The same S3 settings, but nothing answers at the endpoint."""
    working_endpoint = settings.AWS_S3_ENDPOINT_URL
    settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = {**settings.STORAGES}
    return working_endpoint


def test_invoice_pdf_is_stored_privately_on_s3_and_served_from_it(
    s3_media, client, user, paid_order, django_capture_on_commit_callbacks
):
    s3, bucket = s3_media

    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    invoice = Invoice.objects.get(order=paid_order)
    stored = s3.get_object(Bucket=bucket, Key=invoice.pdf.name)["Body"].read()
    assert stored.startswith(b"%PDF-")
    grants = s3.get_object_acl(Bucket=bucket, Key=invoice.pdf.name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # not public
    client.force_login(user)
    response = client.get(f"/orders/{paid_order.number}/invoice/")
    assert b"".join(response.streaming_content) == stored
    [message] = mail.outbox
    assert message.attachments[0][1] == stored


def test_storage_outage_is_retried_to_the_limit_then_failed_and_logged(
    s3_down, paid_order, django_capture_on_commit_callbacks, caplog, eager_retries
):
    with caplog.at_level(logging.WARNING, logger="orders.invoicing.tasks"):
        result = invoice_generate.delay(paid_order.pk)

    assert result.failed()
    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.status == Invoice.Status.FAILED
    assert "EndpointConnectionError" in invoice.last_error
    assert not invoice.pdf
    assert not OutboundEmail.objects.exists()
    records = [r for r in caplog.records if r.name == "orders.invoicing.tasks"]
    attempts = invoice_generate.max_retries + 1
    assert [r.levelname for r in records] == ["WARNING"] * (attempts - 1) + ["ERROR"]
    assert {r.order_number for r in records} == {paid_order.number}
    assert records[-1].invoice_number == invoice.number


def test_retry_after_the_outage_keeps_the_number_and_sends_one_email(
    settings,
    s3_down,
    paid_order,
    django_capture_on_commit_callbacks,
    eager_retries,
):
    invoice_generate.delay(paid_order.pk)
    failed = Invoice.objects.get(order=paid_order)
    settings.AWS_S3_ENDPOINT_URL = s3_down  # the storage is back
    settings.STORAGES = {**settings.STORAGES}

    with django_capture_on_commit_callbacks(execute=True):
        queued = order_invoice_and_emails_retry(order=paid_order)

    assert queued == [f"invoice of order {paid_order.number}"]
    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.number == failed.number
    assert invoice.status == Invoice.Status.READY
    assert invoice.last_error == ""
    assert InvoiceSequence.objects.get(kind="invoice").last == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_retry_of_an_order_with_everything_done_queues_nothing(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = order_invoice_and_emails_retry(order=paid_order)

    assert queued == []
    assert callbacks == []
    assert len(mail.outbox) == 1


def test_invoice_links_on_s3_are_signed_even_when_public_media_are_not(
    s3_media, settings, paid_order, django_capture_on_commit_callbacks
):
    # Public catalogue media may be served unsigned (or from a CDN domain);
    # the invoice storage keeps its own private options.
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_DEFAULT_ACL = "public-read"
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.shop.example"
    settings.STORAGES = {**settings.STORAGES}
    s3, bucket = s3_media

    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    invoice = Invoice.objects.get(order=paid_order)
    url = invoice.pdf.url
    assert "X-Amz-Signature=" in url
    assert "cdn.shop.example" not in url
    grants = s3.get_object_acl(Bucket=bucket, Key=invoice.pdf.name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)
