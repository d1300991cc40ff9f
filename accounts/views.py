"""The accounts pages: sign-up, login, verification, reset, profile, addresses.

Views validate with a form and call a service; invalid submissions answer 400
with the form and its messages, and rate limits raise RateLimited, which
django-ratelimit's middleware turns into the 429 page.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import (
    authenticate,
    login,
    logout,
    update_session_auth_hash,
)
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.errors import AlreadyVerified, EmailTaken, TokenInvalid
from accounts.forms import (
    LOGIN_FAILED_MESSAGE,
    AddressForm,
    LoginForm,
    PasswordChangePageForm,
    PasswordResetRequestForm,
    PasswordResetSetForm,
    ProfileForm,
    RegisterForm,
)
from accounts.hooks import after_login_run, default_address_saved_run
from accounts.ratelimits import (
    login_link_rate_check,
    login_rate_check,
    password_check_rate_check,
    password_reset_rate_check,
    signup_rate_check,
    verify_resend_rate_check,
)
from shop.redirects import post_only, safe_next


def _posted(request: HttpRequest):
    """Return the posted data, even when empty, so an empty POST is a bound form."""
    return request.POST if request.method == "POST" else None


def _login_and_merge_cart(request: HttpRequest, user) -> None:
    """Log the user in, fold the visitor's cart into theirs, and pick their PIN code."""
    # login() gives the session a new key; the visitor cart is under the old one.
    visitor_session_key = request.session.session_key
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    for note in after_login_run(
        request=request, user=user, visitor_session_key=visitor_session_key
    ):
        messages.info(request, note)


def _render(request, template, context, *, invalid=False) -> HttpResponse:
    return render(request, template, context, status=400 if invalid else 200)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm(_posted(request))
    if request.method == "POST":
        login_rate_check(request, email=request.POST.get("email", ""))
        if form.is_valid():
            user = authenticate(
                request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
            if user is not None:
                _login_and_merge_cart(request, user)
                return redirect(next_url)
            # One message for an unknown email and a wrong password alike.
            form.add_error(None, LOGIN_FAILED_MESSAGE)
        return _render(
            request,
            "accounts/login.html",
            {"form": form, "next": next_url},
            invalid=True,
        )
    return _render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("password")
@never_cache
def admin_login_view(request: HttpRequest) -> HttpResponse:
    """The admin's login page, counted in the shop's login limits.

    A guess at a seller's password costs the same here as on the shop's
    login page and in the API: the groups are shared.
    """
    if request.method == "POST":
        login_rate_check(request, email=request.POST.get("username", ""))
    return admin.site.login(request)


@csrf_protect
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        messages.info(request, "You are logged out. See you soon!")
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/logout.html")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated and request.method == "GET":
        return redirect("accounts:profile")
    form = RegisterForm(_posted(request))
    if request.method == "POST":
        signup_rate_check(request)
        if form.is_valid():
            try:
                user = services.user_register(
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
            except EmailTaken as error:
                form.add_error("email", error.message)
            else:
                _login_and_merge_cart(request, user)
                messages.success(
                    request,
                    f"Welcome to {settings.SHOP_NAME}! We sent a link to "
                    f"{user.email} to confirm your email address.",
                )
                return redirect(next_url)
        return _render(
            request,
            "accounts/register.html",
            {"form": form, "next": next_url},
            invalid=True,
        )
    return _render(request, "accounts/register.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET"])
def verify_view(request: HttpRequest, token: str) -> HttpResponse:
    """Follow the emailed link: verify, or explain why the link does not work."""
    try:
        user = services.email_verify(token=token)
    except TokenInvalid as error:
        return render(
            request,
            "accounts/verify_done.html",
            {"error": error.message, "expired": error.code == "token_expired"},
            status=400,
        )
    return render(request, "accounts/verify_done.html", {"verified_email": user.email})


@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify_resend_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        verify_resend_rate_check(request, user_id=request.user.pk)
        try:
            services.email_verification_resend(user=request.user)
        except AlreadyVerified as error:
            messages.info(request, error.message)
        else:
            messages.success(
                request, f"We sent a new confirmation link to {request.user.email}."
            )
        return redirect("accounts:profile")
    return render(request, "accounts/verify_resend.html")


@csrf_protect
@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(_posted(request))
    if request.method == "POST":
        password_reset_rate_check(request, email=request.POST.get("email", ""))
        if form.is_valid():
            services.password_reset_request(email=form.cleaned_data["email"])
            # The same answer whether or not the email has an account.
            return redirect("accounts:password_reset_sent")
        return _render(
            request, "accounts/password_reset.html", {"form": form}, invalid=True
        )
    return render(request, "accounts/password_reset.html", {"form": form})


@csrf_protect
@require_http_methods(["GET", "POST"])
def login_link_request_view(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time login link by email: the way in while logins are paused."""
    form = PasswordResetRequestForm(_posted(request))
    if request.method == "POST":
        login_link_rate_check(request, email=request.POST.get("email", ""))
        if form.is_valid():
            services.login_link_request(email=form.cleaned_data["email"])
            # The same answer whether or not the email has an account.
            return render(request, "accounts/login_link.html", {"sent": True})
        return _render(
            request, "accounts/login_link.html", {"form": form}, invalid=True
        )
    return render(request, "accounts/login_link.html", {"form": form})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_link_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Open an emailed login link: a button first, so a mail scanner cannot use it."""
    try:
        user = services.login_link_user(uidb64=uidb64, token=token)
    except TokenInvalid as error:
        return render(
            request, "accounts/login_link.html", {"error": error.message}, status=400
        )
    if request.method == "POST":
        _login_and_merge_cart(request, user)
        return redirect("admin:index" if user.is_staff else settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/login_link.html", {"confirm": True})


@require_http_methods(["GET"])
def password_reset_sent_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm_view(
    request: HttpRequest, uidb64: str, token: str
) -> HttpResponse:
    try:
        user = services.password_reset_user(uidb64=uidb64, token=token)
    except TokenInvalid as error:
        return render(
            request,
            "accounts/password_reset_confirm.html",
            {"error": error.message},
            status=400,
        )
    form = PasswordResetSetForm(user, _posted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.password_reset_complete(
                    uidb64=uidb64,
                    token=token,
                    password=form.cleaned_data["new_password1"],
                )
            except TokenInvalid as error:
                return render(
                    request,
                    "accounts/password_reset_confirm.html",
                    {"error": error.message},
                    status=400,
                )
            if request.user.is_authenticated:
                # Whoever was logged in here is logged out with the old password.
                logout(request)
            messages.success(
                request, "Your password is changed. Log in with the new one."
            )
            return redirect("accounts:login")
        return _render(
            request,
            "accounts/password_reset_confirm.html",
            {"form": form},
            invalid=True,
        )
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(_posted(request), user=user)
    if request.method == "POST":
        if request.POST.get("current_password"):
            password_check_rate_check(request, email=user.email)
        if form.is_valid():
            email_changed = form.email_changed
            try:
                services.profile_update(
                    user=user,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                )
            except EmailTaken as error:
                form.add_error("email", error.message)
            else:
                if email_changed:
                    messages.success(
                        request,
                        "Profile saved. We sent a link to your new email "
                        "address to confirm it.",
                    )
                else:
                    messages.success(request, "Profile saved.")
                return redirect("accounts:profile")
        return _render(
            request,
            "accounts/profile.html",
            {"form": form, "default_address": selectors.address_default(user=user)},
            invalid=True,
        )
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "default_address": selectors.address_default(user=user)},
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangePageForm(request.user, _posted(request))
    if request.method == "POST":
        password_check_rate_check(request, email=request.user.email)
        if form.is_valid():
            user = services.password_change(
                user=request.user, password=form.cleaned_data["new_password1"]
            )
            # Keep this session; the new password hash ends all the others.
            update_session_auth_hash(request, user)
            messages.success(
                request,
                "Your password is changed. Other devices were logged out.",
            )
            return redirect("accounts:profile")
        return _render(
            request, "accounts/password_change.html", {"form": form}, invalid=True
        )
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET"])
def address_list_view(request: HttpRequest) -> HttpResponse:
    addresses = selectors.address_list(user=request.user)
    return render(request, "accounts/address_list.html", {"addresses": addresses})


@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def address_add_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse("accounts:address_list"))
    form = AddressForm(_posted(request))
    if request.method == "POST":
        if form.is_valid():
            address = services.address_create(
                user=request.user,
                data=form.address_data(),
                make_default=form.cleaned_data["make_default"],
            )
            default_address_saved_run(request=request, address=address)
            messages.success(request, "Address saved.")
            return redirect(next_url)
        return _render(
            request,
            "accounts/address_form.html",
            {"form": form, "next": next_url},
            invalid=True,
        )
    return render(
        request, "accounts/address_form.html", {"form": form, "next": next_url}
    )


@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def address_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_of_user(user=request.user, address_id=pk)
    next_url = safe_next(request, reverse("accounts:address_list"))
    form = AddressForm(_posted(request), instance=address)
    if request.method == "POST":
        if form.is_valid():
            address = services.address_update(
                address=address,
                data=form.address_data(),
                make_default=form.cleaned_data["make_default"] or None,
            )
            default_address_saved_run(request=request, address=address)
            messages.success(request, "Address saved.")
            return redirect(next_url)
        return _render(
            request,
            "accounts/address_form.html",
            {"form": form, "address": address, "next": next_url},
            invalid=True,
        )
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "address": address, "next": next_url},
    )


@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def address_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_of_user(user=request.user, address_id=pk)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, "Address deleted.")
        return redirect("accounts:address_list")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@csrf_protect
@login_required
@post_only
def address_default_view(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_of_user(user=request.user, address_id=pk)
    address = services.address_default_set(address=address)
    default_address_saved_run(request=request, address=address)
    messages.success(request, f"{address.label} is now your default address.")
    return redirect(safe_next(request, reverse("accounts:address_list")))
