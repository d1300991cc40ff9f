"""pytest: PostgreSQL and Redis, tasks eager unless a test starts a worker."""

import os

# 32 bytes or more, as HS256 JWT signing keys should be.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret-but-32-bytes-long")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
# Tests decide per test whether a worker runs; eager is the default.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# Tests that need Stripe point it at the fake Stripe on loopback.
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_test_secret")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = [
    # Argon2 on purpose is slow; the tests check that Argon2 is first in base.
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# A worker process started by a test may be told to use real SMTP and the
# test's own media folder.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media"))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Static files come straight from static/ through WhiteNoise's finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
