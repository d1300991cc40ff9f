"""Test settings for a worker process that sends real SMTP to a loopback server
named by EMAIL_HOST and EMAIL_PORT (see shop/tests/smtp_server.py)."""

from shop.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
