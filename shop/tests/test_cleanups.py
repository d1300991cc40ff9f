"""The scheduled clean-ups remove what nothing reads any more, and only that."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tasks import jwt_tokens_flush_expired
from orders.models import StripeEvent
from orders.payments.tasks import stripe_events_prune
from shop.tasks import sessions_clear_expired


@pytest.mark.django_db
def test_expired_sessions_go_and_live_ones_stay(client, user):
    client.force_login(user)
    live_key = client.session.session_key
    Session.objects.create(
        session_key="expired-session-key-000000000001",
        session_data="e30:",
        expire_date=timezone.now() - timedelta(seconds=1),
    )

    sessions_clear_expired.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live_key]


@pytest.mark.django_db
def test_expired_refresh_tokens_go_with_their_blacklist_rows(user):
    live = RefreshToken.for_user(user)
    expired = RefreshToken.for_user(user)
    expired.blacklist()
    OutstandingToken.objects.filter(jti=expired["jti"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    deleted = jwt_tokens_flush_expired.delay().get()

    assert deleted == 2  # the outstanding row and its blacklist row
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [live["jti"]]
    assert BlacklistedToken.objects.count() == 0


@pytest.mark.django_db
def test_old_processed_webhook_events_go(settings):
    settings.SHOP_STRIPE_EVENT_RETENTION_DAYS = 30
    now = timezone.now()
    rows = {
        "evt_old": (now - timedelta(days=31), now - timedelta(days=31)),
        "evt_old_unprocessed": (now - timedelta(days=31), None),
        "evt_recent": (now - timedelta(days=29), now - timedelta(days=29)),
    }
    for event_id, (received_at, processed_at) in rows.items():
        event = StripeEvent.objects.create(event_id=event_id, type="t", payload={})
        StripeEvent.objects.filter(pk=event.pk).update(
            received_at=received_at, processed_at=processed_at
        )

    deleted = stripe_events_prune.delay().get()

    assert deleted == 1
    assert sorted(StripeEvent.objects.values_list("event_id", flat=True)) == [
        "evt_old_unprocessed",
        "evt_recent",
    ]
