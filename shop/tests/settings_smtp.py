"""Test settings for a worker process that sends real SMTP to a loopback server
named by EMAIL_HOST and EMAIL_PORT (see shop/tests/smtp_server.py), and keeps
media where the test that started it looks (MEDIA_ROOT from the environment)."""

from shop.settings.test import *  # noqa: F403
from shop.settings.test import MEDIA_ROOT, env

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", default=MEDIA_ROOT)
