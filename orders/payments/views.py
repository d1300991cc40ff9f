"""The shopper's payment pages: Stripe's Payment Element, or the test-card page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from orders.models import OrderStatus
from orders.payments.forms import CardNumberForm
from orders.payments.models import Payment
from orders.payments.offline import TEST_CARDS, offline_payment_submit
from orders.payments.selectors import payment_failure_before
from orders.payments.services import payment_start
from orders.selectors import order_of_user
from shop.errors import DomainError


def _not_payable(request, order):
    messages.info(
        request,
        f"Order {order.number} is {order.get_status_display().lower()}; "
        "there is nothing to pay.",
    )
    return redirect(order)


def _offline_page(request, order, payment, form, status=200):
    return render(
        request,
        "orders/payment_offline.html",
        {
            "order": order,
            "payment": payment,
            "form": form,
            "test_cards": TEST_CARDS,
            "previous_failure": payment_failure_before(payment=payment),
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def payment_page(request, number):
    """Start or resume the order's payment and show the way to pay."""
    order = order_of_user(user=request.user, number=number)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return _not_payable(request, order)
    try:
        payment = payment_start(order=order, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(order)
    if payment.provider == Payment.Provider.OFFLINE:
        return _offline_page(request, order, payment, CardNumberForm())
    return render(
        request,
        "orders/payment.html",
        {
            "order": order,
            "payment": payment,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "return_url": request.build_absolute_uri(order.get_absolute_url()),
            "previous_failure": payment_failure_before(payment=payment),
        },
    )


@never_cache
@login_required
@require_POST
def payment_test_card(request, number):
    """Pay with a test card; exists only while the offline provider is on."""
    if not settings.SHOP_OFFLINE_PAYMENTS:
        raise Http404("Test-card payments are off.")
    order = order_of_user(user=request.user, number=number)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return _not_payable(request, order)
    try:
        payment = payment_start(order=order, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(order)
    form = CardNumberForm(request.POST)
    if not form.is_valid():
        return _offline_page(request, order, payment, form, status=400)
    try:
        payment = offline_payment_submit(
            payment=payment, card_number=form.cleaned_data["card_number"]
        )
    except DomainError as exc:
        form.add_error("card_number", exc.message)
        return _offline_page(request, order, payment, form, status=400)
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, "Payment received. Thank you for your order!")
        return redirect(order)
    # The payment page opens the next attempt and says why this one failed.
    return redirect("orders:payment", number=order.number)
