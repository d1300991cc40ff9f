"""Order events: one per change, numbered per order, published after commit."""

import asyncio
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.errors import IllegalTransition
from orders.live.events import (
    STAFF_GROUP,
    order_group,
    seller_group,
    store_group,
    user_group,
)
from orders.live.models import OrderEvent
from orders.locks import order_lock
from orders.models import OrderStatus, Payment
from orders.payments.services import payment_start
from orders.services.status import order_promise_set, order_status_change
from orders.tests.factories import DarkStoreFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _events(order):
    return list(OrderEvent.objects.filter(order=order).order_by("seq"))


def test_each_status_change_is_an_event_numbered_from_one(placed_order, staff_user):
    for status in (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.OUT_FOR_DELIVERY):
        order_status_change(order=placed_order, to_status=status, by=staff_user)

    events = _events(placed_order)
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.kind for e in events] == ["status"] * 3
    assert [e.data["status"] for e in events] == ["paid", "packed", "out_for_delivery"]
    last = events[-1].data
    change = placed_order.history.order_by("-id").first()
    assert last["type"] == "order.event"
    assert last["order"] == placed_order.number
    assert last["status_label"] == "Out for delivery"
    assert (
        last["promised_at"] == timezone.localtime(placed_order.promised_at).isoformat()
    )
    assert last["entry"] == {
        "status": "out_for_delivery",
        "label": "Out for delivery",
        "from_status": "packed",
        "at": timezone.localtime(change.created_at).isoformat(),
        "at_display": timezone.localtime(change.created_at).strftime(
            "%-d %b %Y, %H:%M"
        ),
    }
    assert last["payment"] is None


def test_a_refused_change_records_no_event(placed_order):
    with pytest.raises(IllegalTransition):
        order_status_change(order=placed_order, to_status=OrderStatus.DELIVERED)

    assert _events(placed_order) == []


def test_numbers_are_per_order(placed_order):
    other = OrderFactory()
    order_status_change(order=other, to_status=OrderStatus.PAID)
    order_status_change(order=placed_order, to_status=OrderStatus.CANCELLED)

    assert [e.seq for e in _events(other)] == [1]
    assert [e.seq for e in _events(placed_order)] == [1]


def test_a_new_promise_is_an_event_and_the_same_promise_is_none(placed_order):
    later = placed_order.promised_at + timedelta(minutes=10)

    with transaction.atomic():
        order = order_promise_set(
            order=order_lock(order_id=placed_order.pk), promised_at=later
        )
    with transaction.atomic():
        order_promise_set(order=order_lock(order_id=placed_order.pk), promised_at=later)

    placed_order.refresh_from_db()
    assert placed_order.promised_at == later == order.promised_at
    [event] = _events(placed_order)
    assert event.kind == "promise"
    assert event.data["promised_at"] == timezone.localtime(later).isoformat()
    assert event.data["entry"] is None
    assert event.data["status"] == "pending_payment"


def test_a_failed_payment_is_an_event_with_its_message(
    client, django_capture_on_commit_callbacks, fake_stripe, payable_order, user
):
    from orders.tests.fake_stripe import webhook_deliver

    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_fail(payment.intent_id, message="Your card has expired.")

    with django_capture_on_commit_callbacks(execute=True):
        webhook_deliver(
            client,
            fake_stripe.event("payment_intent.payment_failed", payment.intent_id),
            secret="whsec_test_secret",
        )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    [event] = _events(payable_order)
    assert event.kind == "payment"
    assert event.data["payment"] == {
        "status": "failed",
        "message": "Your card has expired.",
    }
    assert event.data["status"] == "pending_payment"


class Listener:
    """A channel-layer client on an event loop of its own, as a server process has.

    The shop publishes from whichever thread commits; a listener receives on
    one loop, which channels-redis requires.
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.pending: dict[str, asyncio.Future] = {}
        config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
        self.layer = self._run(self._layer(config))

    async def _layer(self, config):
        return RedisPubSubChannelLayer(**config)

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def listen(self, *groups) -> str:
        channel = self._run(self.layer.new_channel())
        for group in groups:
            self._run(self.layer.group_add(group, channel))
        return channel

    def received(self, channel: str, timeout: float = 0.5) -> list[dict]:
        """Return what reached `channel` until it stays quiet for `timeout` seconds."""

        async def drain():
            # A receive left waiting, never cancelled: the pub/sub layer
            # takes a cancelled receive for a consumer leaving its groups.
            got = []
            while True:
                if channel not in self.pending:
                    self.pending[channel] = asyncio.ensure_future(
                        self.layer.receive(channel)
                    )
                done, _ = await asyncio.wait({self.pending[channel]}, timeout=timeout)
                if not done:
                    return got
                got.append(json.loads(self.pending.pop(channel).result()["text"]))

        return self._run(drain())

    def stop(self):
        for future in self.pending.values():
            self.loop.call_soon_threadsafe(future.cancel)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.stop()


@pytest.mark.django_db(transaction=True)
def test_the_event_reaches_its_audience_only_after_commit(user, seller, listener):
    order = OrderFactory(user=user)
    OrderLineFactory(order=order, variant__product__seller=seller)
    channels = {
        name: listener.listen(group)
        for name, group in {
            "order": order_group(order.pk),
            "owner": user_group(user.pk),
            "store": store_group(order.store_id),
            "seller": seller_group(seller.pk),
            "staff": STAFF_GROUP,
        }.items()
    }

    with transaction.atomic():
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert listener.received(channels["order"], timeout=0.3) == []

    for name, channel in channels.items():
        [event] = listener.received(channel)
        assert (name, event["order"], event["seq"], event["status"]) == (
            name,
            order.number,
            1,
            "paid",
        ), name


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_neither_recorded_nor_published(user, listener):
    order = OrderFactory(user=user)
    channel = listener.listen(user_group(user.pk))

    def change_then_fail():
        with transaction.atomic():
            order_status_change(order=order, to_status=OrderStatus.PAID)
            raise RuntimeError("the caller's transaction fails after the change")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert listener.received(channel) == []
    assert _events(order) == []


@pytest.mark.django_db(transaction=True)
def test_nobody_else_hears_of_the_order(user, other_user, other_seller, listener):
    order = OrderFactory(user=user)
    OrderLineFactory(order=order)
    elsewhere = OrderFactory(
        user=other_user, slot__store=DarkStoreFactory(name="Koramangala")
    )
    channel = listener.listen(
        user_group(other_user.pk),
        order_group(elsewhere.pk),
        store_group(elsewhere.store_id),
        seller_group(other_seller.pk),
    )

    order_status_change(order=order, to_status=OrderStatus.PAID)

    assert listener.received(channel) == []


def _publish_from_a_process_on(redis_url: str, event: dict) -> None:
    """Publish `event` to the staff as another shop process on `redis_url` would."""
    code = (
        "import json, sys\n"
        "from orders.live.events import STAFF_GROUP, live_publish\n"
        "live_publish(groups=[STAFF_GROUP], event=json.loads(sys.argv[1]))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "REDIS_URL": redis_url,
    }
    env.pop("CHANNEL_REDIS_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup()\n{code}",
            json.dumps(event),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_a_shop_on_another_redis_database_is_not_heard(listener):
    """Redis pub/sub ignores the database number; the layer's prefix does not."""
    ours = settings.REDIS_URL
    url = urlsplit(ours)
    db = int(url.path.strip("/") or 0)
    theirs = urlunsplit(url._replace(path=f"/{(db + 1) % 16}"))
    channel = listener.listen(STAFF_GROUP)
    event = {"type": "order.event", "order": "FC00000001", "seq": 1}

    _publish_from_a_process_on(theirs, {**event, "from": "theirs"})
    _publish_from_a_process_on(ours, {**event, "from": "ours"})

    assert [e["from"] for e in listener.received(channel)] == ["ours"]
