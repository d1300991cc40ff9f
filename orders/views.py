"""Shopper pages: cart, delivery area, checkout, order history and order page.

Views read the request, call a service and answer; they write nothing
themselves. Refusals of services (`shop.errors.DomainError`) become a page
with the service's message and status, or JSON for the cart's fetch calls.
"""

import math
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.hooks import default_address_saved_run
from accounts.selectors import address_get_for_user, address_list
from accounts.services import address_create
from orders import selectors
from orders.context_processors import (
    cart_state,
    cart_state_forget,
    cart_state_remember,
)
from orders.forms import (
    EXPRESS,
    CartAddForm,
    CartSetForm,
    CheckoutAddressForm,
    CheckoutForm,
    PendingCartForm,
    PostalCodeForm,
)
from orders.invoicing.models import Invoice
from orders.invoicing.selectors import order_credit_notes
from orders.models import Cart, OrderStatus
from orders.payments.selectors import payment_latest_for_order
from orders.payments.services import payment_status_refresh
from orders.selectors import SESSION_CART_KEY, SESSION_POSTAL_CODE_KEY
from orders.services.cancellation import CANCELLABLE_BY_SHOPPER
from orders.services.cancellation import (
    order_cancel as order_cancel_service,
)
from orders.services.cart import (
    CartChange,
    cart_get_or_create,
    cart_line_add,
    cart_line_set,
    cart_read,
    variant_name,
)
from orders.services.delivery import delivery_slots_offer
from orders.services.express import express_promise
from orders.services.placement import order_place
from orders.stores.shopper import shopper_area_remember, shopper_of
from shop.errors import DomainError
from shop.money import money_format
from shop.ratelimit import check_rate, client_ip
from shop.redirects import post_only, safe_next

ORDERS_PER_PAGE = 20
# The steps an order goes through when all goes well, as the shopper follows them.
ORDER_STEPS = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.PACKED,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
)
SLOTS_SHOWN = 48


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _request_cart(request, *, create: bool = False) -> Cart | None:
    """Return the cart of the signed-in user or of the visitor's session."""
    if request.user.is_authenticated:
        if create:
            return cart_get_or_create(user=request.user)
        return selectors.cart_get(user=request.user)
    session = request.session
    if create:
        if not session.session_key:
            session.create()
        # Lets the header skip the database for visitors who never added.
        session[SESSION_CART_KEY] = True
        return cart_get_or_create(session_key=session.session_key)
    if not session.session_key or not session.get(SESSION_CART_KEY):
        return None
    return selectors.cart_get(session_key=session.session_key)


def _problem(request, *, message: str, status: int, back: str, code: str = ""):
    """Answer a refused request: JSON for fetch calls, else a page to go back from."""
    if _wants_json(request):
        return JsonResponse(
            {"code": code or "invalid", "detail": message}, status=status
        )
    return render(
        request,
        "orders/problem.html",
        {"message": message, "back": back},
        status=status,
    )


# CART


def _cart_change_json(request, *, variant_id: int, change, next_url: str) -> dict:
    state = cart_state(request)
    # The swapped-in buttons must name the product for screen readers, as
    # the server-rendered card does ("Add one more Robusta Banana").
    variant = selectors.variant_get_for_cart(variant_id=variant_id)
    name = variant.product.name if variant is not None else ""
    return {
        "variant": variant_id,
        "quantity": change.quantity,
        "message": change.message,
        "cart": {
            "count": state["count"],
            "subtotal": str(state["subtotal"]),
            "subtotal_display": money_format(state["subtotal"], settings.SHOP_CURRENCY),
        },
        "control_html": render_to_string(
            "orders/_cart_control.html",
            {
                "variant_id": variant_id,
                "quantity": change.quantity,
                "next": next_url,
                "name": name,
            },
            request=request,
        ),
    }


POSTAL_CODE_FIRST = (
    "Tell us your PIN code first: what you can buy depends on the store that "
    "delivers to you."
)


def _postal_code_first(request, *, pending: dict, next_url: str):
    """Answer a cart change made before a PIN code: ask for one, keeping the change.

    Fetch calls get a 409 `postal_code_required` to open the PIN dialog with;
    a plain form is sent to the PIN page, which makes the change once a
    served PIN code is set.
    """
    url = (
        reverse("orders:delivery_area") + "?" + urlencode({**pending, "next": next_url})
    )
    if _wants_json(request):
        return JsonResponse(
            {
                "code": "postal_code_required",
                "detail": POSTAL_CODE_FIRST,
                "postal_code_url": url,
                "served_areas": [
                    {"postal_code": area.postal_code, "name": area.name}
                    for area in selectors.service_areas_active()
                ],
            },
            status=409,
        )
    return redirect(url)


def _cart_change(request, *, service, variant_id: int, quantity: int, store_id):
    """Make one cart change at the store; return the change, or raise DomainError."""
    cart = _request_cart(request, create=quantity > 0)
    if cart is None:
        # Nothing to remove from a cart that does not exist.
        return CartChange(line=None, quantity=0)
    change = service(
        cart=cart, variant_id=variant_id, quantity=quantity, store_id=store_id
    )
    cart_state_forget(request)
    return change


def _cart_write(request, form, service):
    next_url = safe_next(request, reverse("orders:cart"))
    if not form.is_valid():
        return _problem(request, message=form.first_error(), status=400, back=next_url)
    variant_id = form.cleaned_data["variant"]
    quantity = form.cleaned_data["quantity"]
    store_id = shopper_of(request).store_id
    if store_id is None and quantity > 0:
        mode = "add" if service is cart_line_add else "set"
        pending = {"variant": variant_id, "quantity": quantity, "mode": mode}
        return _postal_code_first(request, pending=pending, next_url=next_url)
    try:
        change = _cart_change(
            request,
            service=service,
            variant_id=variant_id,
            quantity=quantity,
            store_id=store_id,
        )
    except DomainError as exc:
        return _problem(
            request,
            message=exc.message,
            status=exc.status_code,
            back=next_url,
            code=exc.code,
        )
    if _wants_json(request):
        return JsonResponse(
            _cart_change_json(
                request, variant_id=variant_id, change=change, next_url=next_url
            )
        )
    if change.message:
        messages.warning(request, change.message)
    elif service is cart_line_add:
        _say_added(request, variant_id=variant_id)
    return redirect(next_url)


def _say_added(request, *, variant_id: int) -> None:
    """Tell a shopper without JavaScript, back on the page, what went in the cart."""
    variant = selectors.variant_get_for_cart(variant_id=variant_id)
    if variant is not None:
        messages.success(
            request, f"Added {variant.product.name} ({variant.label}) to your cart."
        )


@post_only
def cart_add(request):
    """Add a variant to the cart (ADD on a product card)."""
    return _cart_write(request, CartAddForm(request.POST), cart_line_add)


@post_only
def cart_set(request):
    """Set a variant's quantity in the cart; 0 removes it."""
    return _cart_write(request, CartSetForm(request.POST), cart_line_set)


def _request_cart_filter(request) -> dict | None:
    """Name the request's cart for a query on its lines, without reading it."""
    if request.user.is_authenticated:
        return {"cart__user_id": request.user.pk}
    session = request.session
    if not session.session_key or not session.get(SESSION_CART_KEY):
        return None
    return {"cart__session_key": session.session_key, "cart__user": None}


def _cart_page(request, *, postal_form=None, status=200):
    read = cart_read(
        cart_filter=_request_cart_filter(request),
        store_id=shopper_of(request).store_id,
    )
    summary, notes = read.summary, read.notes
    cart_state_remember(request, lines=summary.lines)
    if postal_form is None:
        postal_form = PostalCodeForm(
            initial={"postal_code": request.session.get(SESSION_POSTAL_CODE_KEY, "")}
        )
    return render(
        request,
        "orders/cart.html",
        {
            "summary": summary,
            "notes": notes,
            "postal_form": postal_form,
            "served_areas": selectors.service_areas_active(),
        },
        status=status,
    )


@require_GET
def cart(request):
    """The cart: lines, totals, the way to free delivery, and the PIN code."""
    return _cart_page(request)


def _pending_change(request, data) -> dict | None:
    """Return the cart change the PIN form carries, or None (none, or not valid)."""
    if not data.get("variant"):
        return None
    return PendingCartForm(data).pending()


def _delivery_area_page(request, *, form, pending: dict | None, status=200):
    """The PIN page: asked for on its own, or before a cart change."""
    variant = None
    if pending is not None:
        variant = selectors.variant_get_for_cart(variant_id=pending["variant"])
    return render(
        request,
        "orders/delivery_area.html",
        {
            "postal_form": form,
            "pending": pending,
            "pending_variant": variant,
            "next": form["next"].value() or "",
            "served_areas": selectors.service_areas_active(),
        },
        status=status,
    )


def _pending_apply(request, *, pending: dict, store_id: int) -> None:
    """Make the cart change that waited for the PIN code, and say how it went."""
    service = cart_line_add if pending["mode"] == "add" else cart_line_set
    try:
        change = _cart_change(
            request,
            service=service,
            variant_id=pending["variant"],
            quantity=pending["quantity"],
            store_id=store_id,
        )
    except DomainError as exc:
        messages.warning(request, exc.message)
        return
    if change.message:
        messages.warning(request, change.message)
    else:
        _say_added(request, variant_id=pending["variant"])


def _not_served(postal_code: str) -> str:
    areas = selectors.service_areas_active()
    if not areas:
        return (
            f"Sorry, we do not deliver to {postal_code}; we are not delivering "
            "anywhere at the moment."
        )
    return (
        f"Sorry, we do not deliver to {postal_code} yet. We deliver to "
        f"{selectors.service_areas_named(areas)}."
    )


def _area_json(area, *, promise) -> dict:
    return {
        "postal_code": area.postal_code,
        "area_name": area.name,
        "store": area.store_id,
        "express_minutes": promise.minutes,
    }


def _area_set_message(area, *, promise) -> str:
    if promise.offered:
        return f"We deliver to {area.postal_code} in about {promise.minutes} minutes."
    return f"We deliver to {area.postal_code}. {promise.reason}"


@require_http_methods(["GET", "POST"])
def delivery_area_set(request):
    """Remember the visitor's PIN code when the shop delivers there.

    A GET shows the PIN page (with the cart change that waits for it, if
    any), or the cart's delivery form when nothing asked for the page. A
    POST carrying a waiting cart change makes it once a served PIN code is
    set, and goes back to the page it came from. Fetch calls (the PIN
    dialog) get JSON: the area, or a 400 naming the areas served.
    """
    if request.method == "GET":
        if "next" not in request.GET and "variant" not in request.GET:
            return _cart_page(request)
        form = PostalCodeForm(initial={"next": request.GET.get("next", "")})
        return _delivery_area_page(
            request, form=form, pending=_pending_change(request, request.GET)
        )
    form = PostalCodeForm(request.POST)
    pending = _pending_change(request, request.POST)
    area, code = None, "invalid"
    if form.is_valid():
        postal_code = form.cleaned_data["postal_code"]
        area = selectors.service_area_get(postal_code=postal_code)
        if area is None:
            code = "not_serviceable"
            form.add_error("postal_code", _not_served(postal_code))
    if area is None:
        if _wants_json(request):
            detail = form.errors["postal_code"][0]
            return JsonResponse({"code": code, "detail": detail}, status=400)
        if pending is not None or not _to_cart(request):
            return _delivery_area_page(request, form=form, pending=pending, status=400)
        return _cart_page(request, postal_form=form, status=400)
    shopper_area_remember(request, area=area)
    promise = shopper_of(request).promise
    if _wants_json(request):
        return JsonResponse(_area_json(area, promise=promise))
    messages.success(request, _area_set_message(area, promise=promise))
    if pending is not None:
        _pending_apply(request, pending=pending, store_id=area.store_id)
    return redirect(safe_next(request, reverse("orders:cart")))


def _to_cart(request) -> bool:
    """Return whether the PIN form goes back to the cart page when done."""
    return safe_next(request, reverse("orders:cart")).split("#")[0] == reverse(
        "orders:cart"
    )


# CHECKOUT


def _checkout_blockers(*, addresses, slots, express, served_areas) -> list[str]:
    """Return why the order cannot be placed as the page stands; empty when it can."""
    blockers = []
    served = any(address.area for address in addresses)
    if not served:
        named = selectors.service_areas_named(served_areas)
        if not served_areas:
            blockers.append("We are not delivering anywhere at the moment.")
        elif addresses:
            blockers.append(
                "None of your addresses is in an area we deliver to. Add one "
                f"in one of these PIN codes: {named}."
            )
        else:
            blockers.append(
                f"Add a delivery address in one of these PIN codes: {named}."
            )
    # Slots and express are the serving store's: without a served address
    # there are none to offer yet, and the address is the thing to fix.
    if served and not slots and not (express and express.offered):
        blockers.append(
            "No delivery slot is open right now. Please try again a little later."
        )
    return blockers


def _chosen_delivery(request, *, express, slots) -> str:
    """Return the delivery to preselect: the one sent, else express when it is
    offered (the quick-commerce default), else the soonest slot, which is
    also what replaces an express choice that was just refused."""
    offered = express is not None and express.offered
    sent = request.POST.get("delivery") or request.POST.get("slot")
    if sent and (sent != EXPRESS or offered):
        return sent
    if offered:
        return EXPRESS
    return str(slots[0].pk) if slots else ""


def _unavailable_blockers(lines, *, area) -> list[str]:
    """Say which cart lines the chosen address's store cannot send."""
    if not lines:
        return []
    names = ", ".join(variant_name(line.variant) for line in lines)
    where = f"the store delivering to {area.postal_code}" if area else "any store"
    return [
        f"{names} {'is' if len(lines) == 1 else 'are'} out of stock at {where}. "
        "Remove "
        f"{'it' if len(lines) == 1 else 'them'} from your cart, or choose another "
        "address."
    ]


def _chosen_address(request, *, addresses) -> str:
    """Return the pk of the address to preselect: the one asked for when it is
    served, else the first served one (a disabled radio cannot be sent)."""
    asked = request.POST.get("address") or request.GET.get("address") or ""
    serviceable = [str(address.pk) for address in addresses if address.area]
    if asked in serviceable:
        return asked
    return serviceable[0] if serviceable else ""


def _checkout_page(request, *, form=None, address_form=None, problem=None, status=200):
    user = request.user
    addresses = list(address_list(user=user))
    areas = selectors.service_areas_for(
        postal_codes={address.postal_code for address in addresses}
    )
    for address in addresses:
        address.area = areas.get(address.postal_code)
    chosen_address = _chosen_address(request, addresses=addresses)
    # Express, the slots offered and the shelf the cart is read against are
    # those of the store serving the chosen address.
    chosen_area = next(
        (a.area for a in addresses if str(a.pk) == chosen_address and a.area), None
    )
    read = cart_read(
        cart=selectors.cart_get(user=user),
        store_id=chosen_area.store_id if chosen_area else None,
    )
    summary, notes = read.summary, read.notes
    cart_state_remember(request, lines=summary.lines)
    if summary.is_empty and not summary.unavailable and request.method == "GET":
        for note in notes:
            messages.warning(request, note)
        messages.info(request, "Your cart is empty; add something first.")
        return redirect("orders:cart")
    slots = list(
        delivery_slots_offer(store_id=chosen_area.store_id if chosen_area else None)[
            :SLOTS_SHOWN
        ]
    )
    express = express_promise(store=chosen_area.store) if chosen_area else None
    served_areas = selectors.service_areas_active()
    return render(
        request,
        "orders/checkout.html",
        {
            "summary": summary,
            "notes": notes,
            "addresses": addresses,
            "slots": slots,
            "express": express,
            "served_areas": served_areas,
            "blockers": _checkout_blockers(
                addresses=addresses,
                slots=slots,
                express=express,
                served_areas=served_areas,
            )
            + _unavailable_blockers(summary.unavailable, area=chosen_area),
            "chosen_address": chosen_address,
            "chosen_delivery": _chosen_delivery(request, express=express, slots=slots),
            # A fresh one-time token per rendering: a double click sends the
            # same token twice, and `order_place` gives one order for it.
            "token": secrets.token_urlsafe(24),
            "form": form,
            "address_form": address_form or CheckoutAddressForm(),
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """Choose an address and express or a slot, review, and place the order."""
    if request.method == "GET":
        return _checkout_page(request)

    check_rate(
        request, group="checkout", rate_setting="SHOP_RATE_CHECKOUT", key="user_or_ip"
    )
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _checkout_page(request, form=form, status=400)
    data = form.cleaned_data
    address = address_get_for_user(user=request.user, address_id=data["address"])
    try:
        slot = (
            selectors.delivery_slot_of(slot_id=data["slot_id"])
            if data["slot_id"]
            else None
        )
        order = order_place(
            user=request.user,
            address=address,
            slot=slot,
            express=data["express"],
            idempotency_key=f"web:{data['token']}",
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        return _checkout_page(request, problem=exc, status=exc.status_code)
    cart_state_forget(request)
    # The header's delivery promise follows the address just used.
    request.session[SESSION_POSTAL_CODE_KEY] = order.postal_code
    return redirect("orders:payment", number=order.number)


@login_required
@post_only
def checkout_address(request):
    """Add an address to the book from the checkout page, and come back to it."""
    form = CheckoutAddressForm(request.POST)
    if not form.is_valid():
        return _checkout_page(request, address_form=form, status=400)
    address = address_create(
        user=request.user,
        data=form.address_data(),
        make_default=form.cleaned_data["make_default"],
    )
    default_address_saved_run(request=request, address=address)
    return redirect(f"{reverse('orders:checkout')}?address={address.pk}")


# ORDERS


@login_required
@require_GET
def order_list(request):
    """The shopper's orders, newest first."""
    paginator = Paginator(
        selectors.order_list_for_user(user=request.user), ORDERS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page})


@login_required
@require_GET
def order_detail(request, number: str):
    """One order: status timeline, lines, totals, address, and what can be done."""
    order = selectors.order_of_user(user=request.user, number=number)
    # Back from Stripe, the webhook may still be on its way: ask Stripe.
    order = payment_status_refresh(order=order)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "can_cancel": order.status in CANCELLABLE_BY_SHOPPER,
            "upcoming_steps": _upcoming_steps(order.status),
            "promise": _promise_shown(order),
            "invoice_ready": selectors.order_invoice_ready(order=order),
            "credit_notes": order_credit_notes(order=order).filter(
                status=Invoice.Status.READY
            ),
            "payment": payment_latest_for_order(order=order)
            if order.status == "pending_payment"
            else None,
        },
    )


def _promise_shown(order) -> dict | None:
    """Return how the order page states the promised time: the minutes left,
    or that it is late; None once the order stopped or arrived."""
    if order.promised_at is None or not _upcoming_steps(order.status):
        return None
    seconds = (order.promised_at - timezone.now()).total_seconds()
    return {"late": seconds <= 0, "minutes_left": max(0, math.ceil(seconds / 60))}


def _upcoming_steps(status: str) -> list[str]:
    """Name the steps still ahead of an order on its way; none once it stopped."""
    if status not in ORDER_STEPS:
        return []
    return [
        OrderStatus(step).label for step in ORDER_STEPS[ORDER_STEPS.index(status) + 1 :]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request, number: str):
    """Ask whether to cancel the shopper's order (GET), and cancel it (POST).

    The question is a page of its own, so it is asked without JavaScript too.
    """
    order = selectors.order_of_user(user=request.user, number=number)
    if request.method == "GET":
        if order.status not in CANCELLABLE_BY_SHOPPER:
            messages.info(request, f"Order {order.number} can no longer be cancelled.")
            return redirect(order)
        return render(request, "orders/order_cancel.html", {"order": order})
    try:
        order_cancel_service(order=order, by=request.user)
    except DomainError as exc:
        return _problem(
            request,
            message=exc.message,
            status=exc.status_code,
            back=order.get_absolute_url(),
            code=exc.code,
        )
    messages.success(request, f"Order {order.number} is cancelled.")
    return redirect(order)
