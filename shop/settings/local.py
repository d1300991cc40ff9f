"""`make run`: SQLite, tasks in-process, local media, emails printed and filed,
delivery slots opened on demand and stores open at every hour."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-dev-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
# No beat runs here: slots open when a shopper asks, at any hour of the day.
os.environ.setdefault("SHOP_DELIVERY_SLOTS_ON_DEMAND", "true")
os.environ.setdefault("SHOP_DELIVERY_FIRST_HOUR", "0")
os.environ.setdefault("SHOP_DELIVERY_LAST_HOUR", "23")
# ...and the dark stores take express orders at any hour as well.
os.environ.setdefault("SHOP_STORES_ALWAYS_OPEN", "true")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

EMAIL_BACKEND = env("EMAIL_BACKEND", default="shop.mail.ConsoleAndFileBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
