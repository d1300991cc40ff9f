import logging
import smtplib
from importlib import import_module

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from shop.idempotency import idempotency_records_delete_expired
from shop.models import OutboundEmail

logger = logging.getLogger(__name__)

# Errors worth another try: the mail server, the storage or the database
# was away for a moment.
TRANSIENT_EMAIL_ERRORS = (
    smtplib.SMTPException,
    OSError,
    TimeoutError,
    BotoCoreError,
    ClientError,
    OperationalError,
    InterfaceError,
)


def smtp_error_is_permanent(exc: BaseException) -> bool:
    """Return whether the mail server refused for good (a 5xx reply)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


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
    """Send a recorded email unless it was sent already; return its status.

    Transient failures are retried with backoff up to `max_retries`, then the
    email is marked failed; a permanent refusal (5xx) fails it at once.
    """
    # Celery's idiom: the task imports its service, which queues this task.
    from shop.emails import email_failure_record, email_send

    try:
        return email_send(email_id=email_id).status
    except OutboundEmail.DoesNotExist:
        logger.error("email %s does not exist", email_id, extra={"email_id": email_id})
        return "missing"
    except TRANSIENT_EMAIL_ERRORS as exc:
        permanent = smtp_error_is_permanent(exc)
        final = permanent or self.request.retries >= self.max_retries
        email_failure_record(email_id=email_id, error=repr(exc), final=final)
        reference = (
            OutboundEmail.objects.filter(pk=email_id)
            .values_list("reference", flat=True)
            .first()
        )
        logger.log(
            logging.ERROR if final else logging.WARNING,
            "email %s for order %s failed (attempt %s%s): %r",
            email_id,
            reference or "-",
            self.request.retries + 1,
            ", giving up" if final else ", will retry",
            exc,
            extra={
                "email_id": email_id,
                "order_number": reference or "",
                "attempt": self.request.retries + 1,
            },
        )
        if permanent:
            return OutboundEmail.Status.FAILED
        raise


@shared_task(name="shop.tasks.sessions_clear_expired")
def sessions_clear_expired() -> None:
    """Delete expired sessions from the session store, as `clearsessions` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="shop.tasks.idempotency_records_prune")
def idempotency_records_prune() -> int:
    """Delete Idempotency-Key records past SHOP_IDEMPOTENCY_KEY_HOURS."""
    return idempotency_records_delete_expired()
