import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture
def send_emails(django_capture_on_commit_callbacks):
    """Run a block's after-commit callbacks (the email tasks) eagerly."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def tight_rates(settings):
    """Every accounts limit at 2 per hour, so the third request is over it."""
    for name in (
        "SHOP_RATE_LOGIN_IP",
        "SHOP_RATE_LOGIN_ACCOUNT",
        "SHOP_RATE_SIGNUP",
        "SHOP_RATE_PASSWORD_RESET",
        "SHOP_RATE_TOKEN_REFRESH",
        "SHOP_RATE_VERIFY_RESEND",
    ):
        setattr(settings, name, "2/h")
    return settings


@pytest.fixture
def csrf_api_client():
    """An API client that enforces CSRF, as a browser's requests face it."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def jwt_pair():
    """Return a function giving (access, refresh) strings for a user."""

    def make(user) -> tuple[str, str]:
        refresh = RefreshToken.for_user(user)
        return str(refresh.access_token), str(refresh)

    return make
