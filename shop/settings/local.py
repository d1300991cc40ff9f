"""`make run`: SQLite, tasks in-process, local media, emails printed and filed,
delivery slots opened on demand and stores open at every hour, WebSockets
and pages from one daphne runserver, paid orders delivered by themselves."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-dev-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
# No beat runs here: slots open when a shopper asks, at any hour of the day.
os.environ.setdefault("SHOP_DELIVERY_SLOTS_ON_DEMAND", "true")
os.environ.setdefault("SHOP_DELIVERY_FIRST_HOUR", "0")
os.environ.setdefault("SHOP_DELIVERY_LAST_HOUR", "23")
# ...and the dark stores take express orders at any hour as well.
os.environ.setdefault("SHOP_STORES_ALWAYS_OPEN", "true")
# Nobody packs in a demo: a paid order moves on a step a minute.
os.environ.setdefault("SHOP_DEMO_FULFILMENT_SECONDS", "60")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

# daphne's runserver (it must come first to replace Django's) serves pages
# and /ws/ from one process, with the in-memory channel layer.
INSTALLED_APPS = ["daphne", *INSTALLED_APPS]  # noqa: F405
EMAIL_BACKEND = env("EMAIL_BACKEND", default="shop.mail.ConsoleAndFileBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
