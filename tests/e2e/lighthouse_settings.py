"""The test server's settings, with static files served as production serves them.

Lighthouse judges what a shopper's browser receives, so the static files are
collected (into STATIC_ROOT, by the test) with production's storage:
hashed names that WhiteNoise marks immutable for a year, and gzip and Brotli
copies. Everything else is `shop.settings.test`.
"""

from shop.settings.test import *  # noqa: F403
from shop.settings.test import STORAGES, env

STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
STATIC_ROOT = env("STATIC_ROOT")
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
