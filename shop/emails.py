"""Transactional email: recorded once in the service's transaction, sent by a task.

Every email is a pair of templates, ``templates/emails/<name>.txt`` and
``<name>.html``, and a subject; the first line of the text template is not
special. The task that sends lives in ``shop.tasks``.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from shop.models import OutboundEmail


def email_queue(
    *,
    key: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    reference: str = "",
    attachments: list[dict] | None = None,
) -> OutboundEmail:
    """Record the email under `key` once and send it after the commit.

    Calling it again with the same key returns the first email and sends
    nothing more.
    """
    from shop.tasks import email_deliver

    context = {
        "shop_name": settings.SHOP_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "subject": subject,
            "template": template,
            "body_text": render_to_string(f"emails/{template}.txt", context),
            "body_html": render_to_string(f"emails/{template}.html", context),
            "reference": reference,
            "attachments": attachments or [],
        },
    )
    if created:
        transaction.on_commit(lambda: email_deliver.delay(email.pk), robust=True)
    return email
