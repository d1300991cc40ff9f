"""The shop as production serves it, on loopback, for `make bench`.

Everything comes from shop.settings.production; this module only supplies the
environment a real deployment would (secret key, hosts, Stripe keys pointed at
the fake Stripe on loopback) and what a benchmark needs besides: plain HTTP on
loopback (no SSL redirect, no HSTS), `bench.urls` (the shop's URLs and
`/bench/bare`, the ceiling) and static files without compressed copies.
Every environment value can be overridden.
"""

import os

_BENCH_DEFAULTS = {
    "DJANGO_SECRET_KEY": "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shop_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/7",
    "CACHE_KEY_PREFIX": "bench",
    # Plain HTTP on loopback: no HTTPS redirect, no HSTS.
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_SECURE_HSTS_PRELOAD": "false",
    # Stripe is the fake Stripe server that bench/run.py starts on loopback.
    "STRIPE_SECRET_KEY": "sk_test_bench",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_bench",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench_secret",
    "STRIPE_API_BASE": "http://127.0.0.1:8799",
    # The benchmark's tokens must outlive the load phase that precedes the race.
    "JWT_ACCESS_MINUTES": "120",
    # So must the storm's unpaid orders; and every buyer of the race comes
    # from this one machine, which the per-client unpaid-order limit counts.
    "SHOP_PAYMENT_TIMEOUT_MINUTES": "120",
    "SHOP_MAX_UNPAID_ORDERS_PER_CLIENT": "100000",
    # The order stream's buyers each place an order every few seconds and pay
    # none of them.
    "SHOP_MAX_UNPAID_ORDERS": "100000",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": "8825",
}
for _name, _value in _BENCH_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

from shop.settings.production import *  # noqa: E402,F403
from shop.settings.production import BASE_DIR, STORAGES  # noqa: E402

ROOT_URLCONF = "bench.urls"
BENCH_DIR = BASE_DIR / "var" / "bench"
STATIC_ROOT = BENCH_DIR / "static"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BENCH_DIR / "media"))
# Hashed names as in production, without WhiteNoise's gzip and Brotli copies:
# compressing takes two minutes of the run and only changes the answers for
# static files, which the benchmark does not request; pages are identical.
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
# `seed_demo` makes the demo sellers; this shop lives on loopback for one run.
SHOP_DEMO_ACCOUNTS = True
