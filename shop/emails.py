"""Transactional email: recorded once in the service's transaction, sent by a task.

Every email is a pair of templates, ``templates/emails/<name>.txt`` and
``<name>.html``, and a subject. ``email_queue`` records the rendered email
under a key inside the caller's transaction and queues ``shop.tasks.email_deliver``
after the commit; ``email_send`` (run by that task) sends it at most once per
successful commit. See docs/workers.md.
"""

import hashlib
import mimetypes
from email.utils import parseaddr

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from shop.models import OutboundEmail
from shop.selectors import outbound_email_lock
from shop.tasks import email_deliver


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
    nothing more. `attachments` are ``{"path", "filename", "mimetype"}`` dicts
    naming files on the default storage, or on the STORAGES alias in an
    optional ``"storage"`` key, read when the email is sent.
    """
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
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


def _message_id(email: OutboundEmail) -> str:
    # The same Message-ID on every attempt lets a mail server drop a copy
    # that a crash between its "250 OK" and our commit would make us resend.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    digest = hashlib.sha256(email.key.encode()).hexdigest()[:32]
    return f"<{digest}.{email.pk}@{domain or 'localhost'}>"


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": _message_id(email)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        storage = storages[attachment.get("storage", "default")]
        with storage.open(attachment["path"], "rb") as fh:
            content = fh.read()
        mimetype = (
            attachment.get("mimetype")
            or mimetypes.guess_type(attachment["filename"])[0]
            or "application/octet-stream"
        )
        message.attach(attachment["filename"], content, mimetype)
    return message


def email_send(*, email_id: int) -> OutboundEmail:
    """Send the recorded email unless it was sent; return it marked sent.

    The row stays locked while the mail server is talked to, so a second
    delivery of the same task waits and then finds the email sent.
    Raise what the storage or the mail server raised; nothing is marked then.
    """
    with transaction.atomic():
        email = outbound_email_lock(email_id=email_id)
        if email.status == OutboundEmail.Status.SENT:
            return email
        _message(email).send()
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts = F("attempts") + 1
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    email.refresh_from_db()
    return email


def email_failure_record(*, email_id: int, error: str, final: bool) -> None:
    """Count a failed attempt; with `final`, mark the email failed for good."""
    status = OutboundEmail.Status.FAILED if final else OutboundEmail.Status.QUEUED
    OutboundEmail.objects.filter(pk=email_id).exclude(
        status=OutboundEmail.Status.SENT
    ).update(attempts=F("attempts") + 1, last_error=error[:2000], status=status)


@transaction.atomic
def email_retry(*, email: OutboundEmail) -> bool:
    """Queue an unsent email for delivery again; return False if it was sent."""
    requeued = (
        OutboundEmail.objects.filter(pk=email.pk)
        .exclude(status=OutboundEmail.Status.SENT)
        .update(status=OutboundEmail.Status.QUEUED)
    )
    if not requeued:
        return False
    email_id = email.pk
    transaction.on_commit(lambda: email_deliver.delay(email_id), robust=True)
    return True
