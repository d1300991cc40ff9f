"""Scheduled clean-ups of what accounts leave behind."""

from celery import shared_task

from accounts.services import jwt_tokens_expired_delete


@shared_task(name="accounts.tasks.jwt_tokens_flush_expired")
def jwt_tokens_flush_expired() -> int:
    """Delete expired refresh tokens (outstanding and blacklisted rows)."""
    return jwt_tokens_expired_delete()
