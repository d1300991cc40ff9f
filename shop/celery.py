"""The Celery app; its whole configuration is the CELERY_* Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.local")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Parts of the orders app with tasks of their own.
app.autodiscover_tasks(["orders.payments", "orders.invoicing"])


@app.task(name="shop.ping")
def ping(value: str) -> str:
    """Return the value, so a health check or a test sees a worker answer."""
    return f"pong:{value}"
