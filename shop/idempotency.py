"""Idempotency-Key for API writes: a retry is safe, a reused key is refused.

A client sends the same `Idempotency-Key` when it retries a request whose
answer it did not get. The key is stored with a fingerprint of the request
(method, path and JSON body); the same key with a different request answers
422 `idempotency_key_reused` and changes nothing. A key lives
SHOP_IDEMPOTENCY_KEY_HOURS (24); after that it starts afresh.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response

from shop.errors import DomainError
from shop.models import IdempotencyRecord

HEADER = "Idempotency-Key"
# An Idempotency-Key longer than this cannot be stored.
KEY_MAX = 96
# Visible ASCII only: what every HTTP stack carries unchanged in a header.
# The schema states the same pattern.
KEY_PATTERN = rf"^[!-~]{{1,{KEY_MAX}}}$"
_KEY = re.compile(KEY_PATTERN)
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def idempotency_key_from(request) -> str | None:
    """Return the request's Idempotency-Key, None without one; raise if malformed."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise DomainError(
            f"The Idempotency-Key header must be 1 to {KEY_MAX} visible ASCII "
            "characters, without spaces.",
            code="invalid",
        )
    return key


def request_fingerprint(request) -> str:
    """Return a digest of what the request asks: method, path and JSON body."""
    body = request.data if isinstance(request.data, dict | list) else None
    raw = json.dumps(
        {"method": request.method, "path": request.path, "body": body},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def idempotency_record_claim(*, user, scope: str, key: str, fingerprint: str):
    """Return the user's live record of `key`, created if new, locked.

    Inside a caller's transaction the lock holds until it commits, so a
    concurrent retry waits for the first answer. Raise IdempotencyKeyReused
    when the key came with a different request.
    """
    expired_before = timezone.now() - timedelta(
        hours=settings.SHOP_IDEMPOTENCY_KEY_HOURS
    )
    IdempotencyRecord.objects.filter(
        user=user, scope=scope, key=key, created_at__lt=expired_before
    ).delete()
    record, _created = IdempotencyRecord.objects.select_for_update().get_or_create(
        user=user, scope=scope, key=key, defaults={"fingerprint": fingerprint}
    )
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request; use a new "
            "key for a new request.",
        )
    return record


def idempotent_response(request, *, scope: str, answer: Callable[[], Response]):
    """Answer `answer()` once per Idempotency-Key; a retry gets the stored answer.

    Without the header the request is answered as it is. An error answer is
    not stored (its transaction rolls back), so a retry tries again.
    """
    key = idempotency_key_from(request)
    if key is None:
        return answer()
    fingerprint = request_fingerprint(request)
    with transaction.atomic():
        record = idempotency_record_claim(
            user=request.user, scope=scope, key=key, fingerprint=fingerprint
        )
        if record.status is not None:
            return Response(
                record.body, status=record.status, headers={REPLAYED_HEADER: "true"}
            )
        response = answer()
        record.status, record.body = response.status_code, response.data
        record.save(update_fields=["status", "body"])
    return response


def idempotency_records_delete_expired() -> int:
    """Delete records past their lifetime; return how many."""
    expired_before = timezone.now() - timedelta(
        hours=settings.SHOP_IDEMPOTENCY_KEY_HOURS
    )
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=expired_before
    ).delete()
    return deleted
