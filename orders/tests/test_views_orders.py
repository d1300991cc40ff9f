import pytest

from catalog.models import ProductVariant
from orders.models import Invoice
from orders.services.placement import order_place
from orders.services.status import order_status_change
from orders.tests.factories import DeliverySlotFactory, store_stock_set

pytestmark = pytest.mark.django_db


def test_history_lists_my_orders(user_client, placed_order):
    response = user_client.get("/orders/")

    html = response.content.decode()
    assert response.status_code == 200
    assert placed_order.number in html
    assert "Awaiting payment" in html
    assert "3 items" in html


def test_history_runs_four_queries(
    user_client,
    user,
    address,
    variant,
    fill_cart,
    django_assert_num_queries,
    settings,
):
    settings.SHOP_MAX_UNPAID_ORDERS = 12
    store_stock_set(variant=variant, quantity=50)
    for _ in range(12):
        fill_cart(user, (variant, 1))
        order_place(user=user, address=address, slot=DeliverySlotFactory())

    with django_assert_num_queries(4):
        response = user_client.get("/orders/")

    assert len(response.context["page"].object_list) == 12


def test_order_page_shows_timeline_lines_totals_and_pay_link(user_client, placed_order):
    response = user_client.get(f"/orders/{placed_order.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/orders/{placed_order.number}/pay/"' in html
    assert "Awaiting payment" in html
    # The SKU is the seller's word; the shopper reads the pack size.
    assert placed_order.lines.get().sku not in html
    assert placed_order.lines.get().variant_label in html
    assert "₹150" in html
    assert placed_order.address["line1"] in html
    assert "Cancel order" in html
    assert "/invoice/" not in html


def test_order_page_links_a_ready_invoice(user_client, placed_order):
    from django.utils import timezone

    order_status_change(order=placed_order, to_status="paid")
    Invoice.objects.create(
        order=placed_order,
        number="INV-2026-000001",
        year=2026,
        sequence=1,
        amount=placed_order.total,
        currency="INR",
        status=Invoice.Status.READY,
        issued_at=timezone.now(),
    )

    html = user_client.get(f"/orders/{placed_order.number}/").content.decode()

    assert f'href="/orders/{placed_order.number}/invoice/"' in html
    assert f"/orders/{placed_order.number}/pay/" not in html


def test_packed_order_has_no_cancel_button(user_client, placed_order):
    order_status_change(order=placed_order, to_status="paid")
    order_status_change(order=placed_order, to_status="packed")

    html = user_client.get(f"/orders/{placed_order.number}/").content.decode()

    assert "Cancel order" not in html
    assert "Packed" in html


def test_another_users_order_is_404(client, other_user, placed_order):
    client.force_login(other_user)

    page = client.get(f"/orders/{placed_order.number}/")
    question = client.get(f"/orders/{placed_order.number}/cancel/")
    cancel = client.post(f"/orders/{placed_order.number}/cancel/")

    assert page.status_code == 404
    assert question.status_code == 404
    assert cancel.status_code == 404
    placed_order.refresh_from_db()
    assert placed_order.status == "pending_payment"


def test_cancel_button_cancels_and_restocks(user_client, placed_order, variant):
    response = user_client.post(f"/orders/{placed_order.number}/cancel/", follow=True)

    assert response.status_code == 200
    assert f"Order {placed_order.number} is cancelled." in response.content.decode()
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10


def test_cancel_after_packing_is_409(user_client, placed_order, variant):
    order_status_change(order=placed_order, to_status="paid")
    order_status_change(order=placed_order, to_status="packed")

    response = user_client.post(f"/orders/{placed_order.number}/cancel/")

    assert response.status_code == 409
    assert "can no longer be cancelled" in response.content.decode()
    assert ProductVariant.objects.get(pk=variant.pk).stock == 7


def test_cancel_link_asks_first_and_changes_nothing(user_client, placed_order):
    response = user_client.get(f"/orders/{placed_order.number}/cancel/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Cancel order {placed_order.number}?" in html
    assert "Yes, cancel the order" in html
    placed_order.refresh_from_db()
    assert placed_order.status == "pending_payment"


def test_cancel_question_for_a_packed_order_goes_back_to_it(user_client, placed_order):
    order_status_change(order=placed_order, to_status="paid")
    order_status_change(order=placed_order, to_status="packed")

    response = user_client.get(f"/orders/{placed_order.number}/cancel/")

    assert response.status_code == 302
    assert response.url == f"/orders/{placed_order.number}/"


def test_order_page_shows_the_steps_still_ahead(user_client, placed_order):
    html = user_client.get(f"/orders/{placed_order.number}/").content.decode()

    upcoming = html.split('class="is-upcoming"')[1:]
    assert [step.split("<span>")[1].split("</span>")[0] for step in upcoming] == [
        "Paid",
        "Packed",
        "Out for delivery",
        "Delivered",
    ]
