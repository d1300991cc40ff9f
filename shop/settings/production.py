"""Production: everything secret or host-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# SECURITY
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health checks come from the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# The demo accounts' passwords are published: never create them here.
SHOP_DEMO_ACCOUNTS = False

# LOGGING
LOGGING["handlers"]["console"]["formatter"] = env(  # noqa: F405
    "LOG_FORMAT", default="json"
)

if SHOP_OFFLINE_PAYMENTS:  # noqa: F405
    raise ImproperlyConfigured(
        "The offline test-card provider cannot run in production: "
        "set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET."
    )
if not STRIPE_WEBHOOK_SECRET:  # noqa: F405
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is required in production.")
if SHOP_DEMO_FULFILMENT_SECONDS:  # noqa: F405
    raise ImproperlyConfigured(
        "SHOP_DEMO_FULFILMENT_SECONDS moves paid orders along with nobody "
        "packing them: it is for `make run` only; unset it (or set 0) in production."
    )
