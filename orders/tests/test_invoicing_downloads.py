from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import SellerFactory, UserFactory
from orders.invoicing.services import (
    credit_note_issue,
    invoice_issue,
    invoice_render_pdf,
)
from orders.models import Invoice, Refund
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(paid_order):
    return invoice_render_pdf(invoice=invoice_issue(order=paid_order))


@pytest.fixture
def credit_note(paid_order, invoice):
    refund = Refund.objects.create(
        order=paid_order,
        payment=paid_order.payments.get(),
        amount=Decimal("45.00"),
        reason="Bread was stale",
        status=Refund.Status.SUCCEEDED,
    )
    return invoice_render_pdf(invoice=credit_note_issue(refund=refund))


def _page(order) -> str:
    return reverse("orders:invoice", kwargs={"number": order.number})


def _api(order) -> str:
    return f"/api/v1/orders/{order.number}/invoice/"


def _api_client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}"
    )
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# THE PAGE


def test_invoice_page_url_is_under_the_order(paid_order):
    assert _page(paid_order) == f"/orders/{paid_order.number}/invoice/"


def test_owner_downloads_the_invoice_pdf(client, user, paid_order, invoice):
    client.force_login(user)

    response = client.get(_page(paid_order))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{invoice.number}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    with invoice.pdf.open("rb") as fh:
        assert _body(response) == fh.read()


def test_another_user_gets_404_for_the_invoice(client, other_user, paid_order, invoice):
    client.force_login(other_user)

    response = client.get(_page(paid_order))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_seller_gets_404_for_a_shoppers_invoice(client, paid_order, invoice):
    client.force_login(SellerFactory())

    assert client.get(_page(paid_order)).status_code == 404


def test_staff_downloads_any_invoice(client, staff_user, paid_order, invoice):
    client.force_login(staff_user)

    response = client.get(_page(paid_order))

    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-")


def test_anonymous_visitor_is_sent_to_log_in(client, paid_order, invoice):
    response = client.get(_page(paid_order))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_invoice_not_rendered_yet_says_it_is_being_prepared(client, user, paid_order):
    invoice_issue(order=paid_order)
    client.force_login(user)

    response = client.get(_page(paid_order))

    assert response.status_code == 404
    assert b"Your invoice is being prepared" in response.content


def test_unpaid_order_has_no_invoice_page(client, user):
    order = OrderFactory(user=user)
    client.force_login(user)

    assert client.get(_page(order)).status_code == 404


def test_owner_downloads_a_credit_note(client, user, paid_order, credit_note):
    client.force_login(user)
    url = reverse(
        "orders:credit_note",
        kwargs={"number": paid_order.number, "invoice_number": credit_note.number},
    )

    response = client.get(url)

    assert url == f"/orders/{paid_order.number}/credit-notes/{credit_note.number}/"
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{credit_note.number}.pdf"'
    )
    assert _body(response).startswith(b"%PDF-")


def test_another_user_gets_404_for_a_credit_note(
    client, other_user, paid_order, credit_note
):
    client.force_login(other_user)
    url = f"/orders/{paid_order.number}/credit-notes/{credit_note.number}/"

    assert client.get(url).status_code == 404


def test_an_invoice_number_is_not_a_credit_note(client, user, paid_order, invoice):
    client.force_login(user)
    url = f"/orders/{paid_order.number}/credit-notes/{invoice.number}/"

    assert client.get(url).status_code == 404


# THE API


def test_api_owner_downloads_the_invoice_pdf(
    auth_api_client, paid_order, invoice, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = auth_api_client.get(_api(paid_order))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{invoice.number}.pdf"'
    )
    assert _body(response).startswith(b"%PDF-")


def test_api_client_may_ask_for_a_pdf(auth_api_client, paid_order, invoice):
    response = auth_api_client.get(_api(paid_order), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-")


def test_api_format_json_is_not_found_rather_than_a_pdf(
    auth_api_client, paid_order, invoice
):
    response = auth_api_client.get(_api(paid_order) + "?format=json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_api_accept_json_only_is_not_acceptable(auth_api_client, paid_order, invoice):
    response = auth_api_client.get(_api(paid_order), HTTP_ACCEPT="application/json")

    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_api_another_user_gets_404(other_user, paid_order, invoice):
    response = _api_client_for(other_user).get(_api(paid_order))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_staff_downloads_any_invoice(staff_user, paid_order, invoice):
    response = _api_client_for(staff_user).get(_api(paid_order))

    assert response.status_code == 200


def test_api_anonymous_gets_401(api_client, paid_order, invoice):
    response = api_client.get(_api(paid_order))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_api_invoice_not_ready_has_its_own_code(auth_api_client, paid_order):
    invoice_issue(order=paid_order)

    response = auth_api_client.get(_api(paid_order))

    assert response.status_code == 404
    assert response.json()["code"] == "invoice_not_ready"
    assert Invoice.objects.get(order=paid_order).status == Invoice.Status.PENDING


def test_api_invoice_not_issued_yet_is_not_ready_either(auth_api_client, paid_order):
    response = auth_api_client.get(_api(paid_order))

    assert response.status_code == 404
    assert response.json()["code"] == "invoice_not_ready"


def test_api_error_is_json_even_when_a_pdf_was_asked_for(auth_api_client, paid_order):
    response = auth_api_client.get(_api(paid_order), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invoice_not_ready"


def test_api_unknown_order_is_404(auth_api_client):
    response = auth_api_client.get("/api/v1/orders/FC000000NOPE/invoice/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_owner_downloads_a_credit_note(auth_api_client, paid_order, credit_note):
    response = auth_api_client.get(
        f"/api/v1/orders/{paid_order.number}/credit-notes/{credit_note.number}/"
    )

    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-")


def test_api_another_user_gets_404_for_a_credit_note(paid_order, credit_note, db):
    response = _api_client_for(UserFactory()).get(
        f"/api/v1/orders/{paid_order.number}/credit-notes/{credit_note.number}/"
    )

    assert response.status_code == 404


def test_schema_documents_the_invoice_as_a_pdf(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    responses = schema["paths"]["/api/v1/orders/{number}/invoice/"]["get"]["responses"]
    assert set(responses["200"]["content"]) == {"application/pdf"}
    assert responses["200"]["content"]["application/pdf"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    assert set(responses["404"]["content"]) == {"application/json"}
    assert set(responses["401"]["content"]) == {"application/json"}


def test_the_order_page_links_the_invoice_and_its_credit_notes(
    client, user, paid_order, credit_note
):
    client.force_login(user)

    page = client.get(f"/orders/{paid_order.number}/").content.decode()

    assert f'href="/orders/{paid_order.number}/invoice/"' in page
    assert (
        f'href="/orders/{paid_order.number}/credit-notes/{credit_note.number}/"' in page
    )


def test_an_invoice_is_not_served_from_media_to_anyone_with_its_path(
    client, staff_user, settings, paid_order, invoice
):
    from pathlib import Path

    from django.urls import resolve

    from shop.views import media_serve

    media_path = f"{settings.MEDIA_URL}{invoice.pdf.name}"
    stored = Path(invoice.pdf.path).resolve()
    # Without a bucket, every mode (production too) serves MEDIA_ROOT there.
    assert resolve(media_path).func is media_serve
    client.force_login(staff_user)

    assert client.get(media_path).status_code == 404
    assert invoice.pdf.name.startswith("invoices/")
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert client.get(_page(paid_order)).status_code == 200
