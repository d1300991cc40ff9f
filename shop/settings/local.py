"""`make run`: SQLite, tasks in-process, local media, emails printed and filed."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-dev-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

EMAIL_BACKEND = env("EMAIL_BACKEND", default="shop.mail.ConsoleAndFileBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
