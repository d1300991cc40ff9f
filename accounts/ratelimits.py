"""The accounts rate limits, shared by the pages, the API and the admin login.

Pages, API and admin count against the same groups, so switching from one to
the other buys an attacker nothing. Per-account limits key on the canonical
form of the submitted address (`email_canonical`), the form the login
matches by, known account or not: look-alike spellings of one address share
one count, and the limit itself tells nobody which emails have accounts.

Logins stay open when the cache is down (the shop must stay usable, and each
guess still costs an Argon2 hash); limits that guard sign-ups and emails
refuse until the cache is back (docs/operations.md).
"""

from accounts.models import email_canonical
from shop.ratelimit import check_rate


def _constant(value: str):
    return lambda group, request: value


def login_rate_check(request, *, email: str) -> None:
    """Count a login attempt per IP and per submitted email; raise RateLimited."""
    check_rate(request, group="login-ip", rate_setting="SHOP_RATE_LOGIN_IP")
    key = email_canonical(email)
    if key:
        check_rate(
            request,
            group="login-account",
            rate_setting="SHOP_RATE_LOGIN_ACCOUNT",
            key=_constant(key),
        )


def password_check_rate_check(request, *, email: str) -> None:
    """Count a current-password check of a signed-in user like a login attempt."""
    check_rate(
        request,
        group="login-account",
        rate_setting="SHOP_RATE_LOGIN_ACCOUNT",
        key=_constant(email_canonical(email)),
    )


def signup_rate_check(request) -> None:
    check_rate(
        request,
        group="signup",
        rate_setting="SHOP_RATE_SIGNUP",
        open_without_cache=False,
    )


def _mail_rate_check(request, *, group: str, email: str) -> None:
    """Count a request that emails an address, per IP and per target address."""
    check_rate(
        request,
        group=f"{group}-ip",
        rate_setting="SHOP_RATE_PASSWORD_RESET",
        open_without_cache=False,
    )
    key = email_canonical(email)
    if key:
        check_rate(
            request,
            group=f"{group}-email",
            rate_setting="SHOP_RATE_PASSWORD_RESET",
            key=_constant(key),
            open_without_cache=False,
        )


def password_reset_rate_check(request, *, email: str) -> None:
    """Count a reset request per IP and per target email (no mail bombing)."""
    _mail_rate_check(request, group="password-reset", email=email)


def login_link_rate_check(request, *, email: str) -> None:
    """Count a login-link request like a reset request, in groups of its own."""
    _mail_rate_check(request, group="login-link", email=email)


def verify_resend_rate_check(request, *, user_id: int) -> None:
    check_rate(
        request,
        group="verify-resend",
        rate_setting="SHOP_RATE_VERIFY_RESEND",
        key=_constant(str(user_id)),
        open_without_cache=False,
    )


def token_refresh_rate_check(request) -> None:
    check_rate(request, group="token-refresh", rate_setting="SHOP_RATE_TOKEN_REFRESH")
