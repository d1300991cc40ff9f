import logging
import mimetypes
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.models import OutboundEmail

logger = logging.getLogger(__name__)

# Errors worth another try: the mail server or the storage was away.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, OSError, TimeoutError)


@shared_task(
    bind=True,
    name="shop.tasks.email_deliver",
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def email_deliver(self, email_id: int) -> str:
    """Send a recorded email unless it was sent already; return its status."""
    try:
        with transaction.atomic():
            # The lock makes a redelivered task wait, then see "sent".
            email = OutboundEmail.objects.select_for_update().get(pk=email_id)
            if email.status == OutboundEmail.Status.SENT:
                return email.status
            message = EmailMultiAlternatives(
                subject=email.subject,
                body=email.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.to],
            )
            if email.body_html:
                message.attach_alternative(email.body_html, "text/html")
            for attachment in email.attachments:
                with default_storage.open(attachment["path"], "rb") as fh:
                    mimetype = (
                        attachment.get("mimetype")
                        or (mimetypes.guess_type(attachment["filename"])[0])
                    )
                    message.attach(attachment["filename"], fh.read(), mimetype)
            message.send()
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.attempts = F("attempts") + 1
            email.last_error = ""
            email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    except TRANSIENT_EMAIL_ERRORS as exc:
        final = self.request.retries >= self.max_retries
        OutboundEmail.objects.filter(pk=email_id).update(
            attempts=F("attempts") + 1,
            last_error=repr(exc)[:2000],
            status=OutboundEmail.Status.FAILED
            if final
            else OutboundEmail.Status.QUEUED,
        )
        logger.warning(
            "email %s failed (attempt %s): %r",
            email_id,
            self.request.retries + 1,
            exc,
            extra={"email_id": email_id},
        )
        raise
    return OutboundEmail.Status.SENT
