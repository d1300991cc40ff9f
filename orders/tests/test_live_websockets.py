"""The live endpoints for real: the live ASGI process (`shop.live`) on Redis,
and the `websockets` client. The test commits the changes; the server hears
them through the channel layer and reads what was missed from the database."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from accounts.jwt import ShopRefreshToken
from accounts.models import User
from accounts.tests.factories import UserFactory
from orders.models import OrderStatus, StoreStaff
from orders.services.status import order_status_change
from orders.tests.factories import DarkStoreFactory, OrderFactory, OrderLineFactory

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

# Long enough for a loaded machine; a test waits this long only for what
# must come, and a shorter quiet spell where nothing may come.
ARRIVES_WITHIN = 10
QUIET_FOR = 1.5


def access_token(user) -> str:
    return str(ShopRefreshToken.for_user(user).access_token)


def expired_token(user) -> str:
    token = ShopRefreshToken.for_user(user).access_token
    token.set_exp(from_time=timezone.now() - timedelta(minutes=10))
    return str(token)


def open_socket(server, path, *, token=None, **options):
    subprotocols = ["freshcart.v1"] + ([f"bearer.{token}"] if token else [])
    return connect(
        f"{server}{path}",
        subprotocols=subprotocols,
        open_timeout=ARRIVES_WITHIN,
        **options,
    )


def subscribe(socket, **message):
    socket.send(json.dumps({"type": "subscribe", **message}))


def next_message(socket, timeout=ARRIVES_WITHIN) -> dict:
    return json.loads(socket.recv(timeout=timeout))


def until_subscribed(socket) -> list[dict]:
    """Return the events replayed before the `subscribed` message."""
    replayed = []
    while (message := next_message(socket))["type"] != "subscribed":
        replayed.append(message)
    assert message == {"type": "subscribed", "replayed": len(replayed)}
    return replayed


def refusal(socket) -> tuple[int, list]:
    """Return the close code and whatever arrived before the socket closed."""
    got = []

    def read_until_closed():
        while True:
            got.append(socket.recv(timeout=ARRIVES_WITHIN))

    with pytest.raises(ConnectionClosed) as closed:
        read_until_closed()
    return closed.value.rcvd.code, got


def nothing_arrives(socket) -> bool:
    with pytest.raises(TimeoutError):
        socket.recv(timeout=QUIET_FOR)
    return True


def seqs_and_statuses(events):
    return [(event["seq"], event["status"]) for event in events]


@pytest.fixture
def order(transactional_db):
    order = OrderFactory()
    OrderLineFactory(order=order)
    return order


def test_the_owner_hears_each_status_change_in_order(live_events_server, order):
    with open_socket(
        live_events_server,
        f"/ws/v1/orders/{order.number}/",
        token=access_token(order.user),
    ) as socket:
        assert socket.subprotocol == "freshcart.v1"
        subscribe(socket)
        assert until_subscribed(socket) == []

        steps = [
            OrderStatus.PAID,
            OrderStatus.PACKED,
            OrderStatus.OUT_FOR_DELIVERY,
            OrderStatus.DELIVERED,
        ]
        for step in steps:
            order = order_status_change(order=order, to_status=step)
        events = [next_message(socket) for _ in steps]

        assert seqs_and_statuses(events) == [
            (1, "paid"),
            (2, "packed"),
            (3, "out_for_delivery"),
            (4, "delivered"),
        ]
        assert {event["order"] for event in events} == {order.number}
        assert events[-1]["entry"]["label"] == "Delivered"
        assert nothing_arrives(socket)


def test_a_reconnect_gets_exactly_what_it_missed_then_live_events(
    live_events_server, order
):
    path = f"/ws/v1/orders/{order.number}/"
    token = access_token(order.user)
    with open_socket(live_events_server, path, token=token) as socket:
        subscribe(socket)
        until_subscribed(socket)
        order = order_status_change(order=order, to_status=OrderStatus.PAID)
        seen = next_message(socket)
    # Offline while the order is packed and sent out.
    order = order_status_change(order=order, to_status=OrderStatus.PACKED)
    order = order_status_change(order=order, to_status=OrderStatus.OUT_FOR_DELIVERY)

    with open_socket(live_events_server, path, token=token) as socket:
        subscribe(socket, last=seen["seq"])
        replayed = until_subscribed(socket)
        order_status_change(order=order, to_status=OrderStatus.DELIVERED)
        live = next_message(socket)

        assert seqs_and_statuses(replayed) == [(2, "packed"), (3, "out_for_delivery")]
        assert seqs_and_statuses([live]) == [(4, "delivered")]
        assert nothing_arrives(socket)


def test_the_order_list_resumes_each_order_from_its_own_number(
    live_events_server, order
):
    second = OrderFactory(user=order.user)
    order = order_status_change(order=order, to_status=OrderStatus.PAID)
    order = order_status_change(order=order, to_status=OrderStatus.PACKED)
    order_status_change(order=second, to_status=OrderStatus.PAID)

    with open_socket(
        live_events_server, "/ws/v1/orders/", token=access_token(order.user)
    ) as socket:
        subscribe(socket, last={order.number: 1, second.number: 1})
        replayed = until_subscribed(socket)
        order_status_change(order=second, to_status=OrderStatus.CANCELLED)
        live = next_message(socket)

    assert [(e["order"], e["seq"]) for e in replayed] == [(order.number, 2)]
    assert (live["order"], live["seq"], live["status"]) == (
        second.number,
        2,
        "cancelled",
    )


def test_the_token_may_come_in_the_first_message(live_events_server, order):
    with open_socket(live_events_server, f"/ws/v1/orders/{order.number}/") as socket:
        subscribe(socket, token=access_token(order.user), last=0)
        assert until_subscribed(socket) == []
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert next_message(socket)["seq"] == 1


def test_another_shopper_is_refused_and_hears_nothing(live_events_server, order):
    stranger = UserFactory()
    with open_socket(
        live_events_server,
        f"/ws/v1/orders/{order.number}/",
        token=access_token(stranger),
    ) as socket:
        subscribe(socket, last=0)
        order_status_change(order=order, to_status=OrderStatus.PAID)
        code, got = refusal(socket)

    assert (code, got) == (4403, [])


def test_an_unknown_order_is_refused_like_another_shoppers(live_events_server, order):
    with open_socket(
        live_events_server, "/ws/v1/orders/FC99999999/", token=access_token(order.user)
    ) as socket:
        subscribe(socket)
        assert refusal(socket) == (4403, [])


@pytest.mark.parametrize("path", ["/ws/v1/orders/{number}/", "/ws/v1/orders/"])
def test_anonymous_is_refused(live_events_server, order, path):
    with open_socket(live_events_server, path.format(number=order.number)) as socket:
        subscribe(socket)
        assert refusal(socket) == (4401, [])


def test_an_expired_token_is_refused(live_events_server, order):
    with open_socket(
        live_events_server,
        f"/ws/v1/orders/{order.number}/",
        token=expired_token(order.user),
    ) as socket:
        subscribe(socket, last=0)
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert refusal(socket) == (4401, [])


def test_a_token_of_an_older_version_is_refused_after_logout(live_events_server, order):
    token = access_token(order.user)
    # What logout everywhere does: every access token handed out stops working.
    User.objects.filter(pk=order.user_id).update(
        token_version=order.user.token_version + 1
    )

    with open_socket(live_events_server, "/ws/v1/orders/", token=token) as socket:
        subscribe(socket)
        assert refusal(socket) == (4401, [])


def test_a_garbled_first_message_is_refused(live_events_server, order):
    with open_socket(
        live_events_server, "/ws/v1/orders/", token=access_token(order.user)
    ) as socket:
        socket.send("not json")
        assert refusal(socket) == (4400, [])


def test_a_path_that_is_no_endpoint_is_closed(live_events_server, order):
    with open_socket(live_events_server, "/ws/v1/nothing/") as socket:
        assert refusal(socket) == (4404, [])


def _store_staff(store):
    user = UserFactory(is_staff=True)
    StoreStaff.objects.create(user=user, store=store)
    return user


def test_store_staff_hear_their_store_and_not_another(live_events_server, order):
    here = _store_staff(order.store)
    elsewhere = _store_staff(DarkStoreFactory(name="Koramangala"))

    with (
        open_socket(
            live_events_server, "/ws/v1/staff/orders/", token=access_token(here)
        ) as ours,
        open_socket(
            live_events_server, "/ws/v1/staff/orders/", token=access_token(elsewhere)
        ) as theirs,
    ):
        subscribe(ours)
        subscribe(theirs)
        until_subscribed(ours)
        until_subscribed(theirs)

        order_status_change(order=order, to_status=OrderStatus.PAID)

        assert seqs_and_statuses([next_message(ours)]) == [(1, "paid")]
        assert nothing_arrives(theirs)


def test_other_stores_staff_may_not_watch_a_shoppers_order(live_events_server, order):
    elsewhere = _store_staff(DarkStoreFactory(name="Koramangala"))
    with open_socket(
        live_events_server,
        f"/ws/v1/orders/{order.number}/",
        token=access_token(elsewhere),
    ) as socket:
        subscribe(socket, last=0)
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert refusal(socket) == (4403, [])


def test_a_shopper_may_not_watch_the_staff_queue(live_events_server, order):
    with open_socket(
        live_events_server, "/ws/v1/staff/orders/", token=access_token(order.user)
    ) as socket:
        subscribe(socket)
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert refusal(socket) == (4403, [])


def test_a_seller_hears_orders_with_their_lines_only(live_events_server, order):
    seller = order.lines.get().seller
    theirs = OrderFactory()
    OrderLineFactory(order=theirs)

    with open_socket(
        live_events_server, "/ws/v1/staff/orders/", token=access_token(seller)
    ) as socket:
        subscribe(socket)
        until_subscribed(socket)
        order_status_change(order=theirs, to_status=OrderStatus.PAID)
        order_status_change(order=order, to_status=OrderStatus.PAID)

        assert next_message(socket)["order"] == order.number
        assert nothing_arrives(socket)


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_a_page_subscribes_with_its_session_from_the_shops_origin(
    live_events_server, order
):
    origin = live_events_server.replace("ws://", "http://")
    with open_socket(
        live_events_server,
        f"/ws/v1/orders/{order.number}/",
        origin=origin,
        additional_headers={"Cookie": _session_cookie(order.user)},
    ) as socket:
        subscribe(socket, last=0)
        until_subscribed(socket)
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert next_message(socket)["status"] == "paid"


def test_another_sites_page_cannot_use_the_shoppers_cookie(live_events_server, order):
    with open_socket(
        live_events_server,
        f"/ws/v1/orders/{order.number}/",
        origin="https://evil.example",
        additional_headers={"Cookie": _session_cookie(order.user)},
    ) as socket:
        subscribe(socket, last=0)
        order_status_change(order=order, to_status=OrderStatus.PAID)
        assert refusal(socket) == (4401, [])
