"""The accounts rate limits, shared by the pages and the API.

Pages and API count against the same groups, so switching from one to the
other buys an attacker nothing. The per-account login key is the submitted
email lowercased, known account or not, so the limit itself tells nobody
which emails have accounts.
"""

from shop.ratelimit import check_rate


def _constant(value: str):
    return lambda group, request: value


def login_rate_check(request, *, email: str) -> None:
    """Count a login attempt per IP and per submitted email; raise RateLimited."""
    check_rate(request, group="login-ip", rate_setting="SHOP_RATE_LOGIN_IP")
    email = (email or "").strip().lower()
    if email:
        check_rate(
            request,
            group="login-account",
            rate_setting="SHOP_RATE_LOGIN_ACCOUNT",
            key=_constant(email),
        )


def password_check_rate_check(request, *, email: str) -> None:
    """Count a current-password check of a signed-in user like a login attempt."""
    check_rate(
        request,
        group="login-account",
        rate_setting="SHOP_RATE_LOGIN_ACCOUNT",
        key=_constant(email.lower()),
    )


def signup_rate_check(request) -> None:
    check_rate(request, group="signup", rate_setting="SHOP_RATE_SIGNUP")


def password_reset_rate_check(request, *, email: str) -> None:
    """Count a reset request per IP and per target email (no mail bombing)."""
    check_rate(
        request, group="password-reset-ip", rate_setting="SHOP_RATE_PASSWORD_RESET"
    )
    email = (email or "").strip().lower()
    if email:
        check_rate(
            request,
            group="password-reset-email",
            rate_setting="SHOP_RATE_PASSWORD_RESET",
            key=_constant(email),
        )


def verify_resend_rate_check(request, *, user_id: int) -> None:
    check_rate(
        request,
        group="verify-resend",
        rate_setting="SHOP_RATE_VERIFY_RESEND",
        key=_constant(str(user_id)),
    )


def token_refresh_rate_check(request) -> None:
    check_rate(request, group="token-refresh", rate_setting="SHOP_RATE_TOKEN_REFRESH")
