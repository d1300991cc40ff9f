"""The webhook storm: Stripe's events for many orders, each delivered many times.

Each order of the storm first starts its payment through the real API
(`POST /api/v1/orders/<number>/payment/`, which creates a PaymentIntent at the
fake Stripe). Then, for every order, a `payment_intent.processing` and a
`payment_intent.succeeded` event are signed with the webhook secret as Stripe
signs them, and every event is delivered `copies` times: all deliveries
shuffled (so a `processing` often lands after its `succeeded`) and sent by
many connections at once to `POST /api/v1/payments/stripe/webhook/`.

A real Celery worker process (prefork pool, on the Redis broker) makes the
invoices and sends the confirmation emails to the loopback SMTP sink; the
storm waits for them, then counts what the shop kept.
"""

import hashlib
import hmac
import http.client
import json
import random
import secrets
import threading
import time
from collections import Counter
from decimal import Decimal
from urllib.parse import urlsplit

from bench import load

WEBHOOK_PATH = "/api/v1/payments/stripe/webhook/"
SENDERS = 16
SETTLE_TIMEOUT = 240.0


def stripe_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """Return a Stripe-Signature header for the payload (scheme v1)."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _intent_event(kind: str, intent_id: str, order: dict, status: str) -> dict:
    amount = int((Decimal(order["total"]) * 100).to_integral_value())
    return {
        "id": f"evt_bench_{secrets.token_hex(10)}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": kind,
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": amount if status == "succeeded" else 0,
                "currency": order["currency"].lower(),
                "status": status,
                "metadata": {"order_number": order["number"]},
            }
        },
    }


def _post(parts, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _payments_start(parts, orders: list[dict]) -> Counter:
    statuses = Counter()
    for order in orders:
        status, body = _post(
            parts,
            f"/api/v1/orders/{order['number']}/payment/",
            b"{}",
            {
                "Authorization": f"Bearer {order['access']}",
                "Content-Type": "application/json",
            },
        )
        statuses[status] += 1
        if status >= 300:
            raise RuntimeError(
                f"starting the payment of {order['number']} answered {status}: "
                f"{body[:300]!r}"
            )
    return statuses


def run(
    base_url, storm: dict, env: dict, shopside, sink, *, copies: int, warm_times: int
) -> dict:
    """Pay every storm order by a storm of webhooks; return what the shop kept."""
    parts = urlsplit(base_url)
    # Every worker loads the webhook's code first (an unsigned call: 400).
    load.warm(
        base_url,
        "POST",
        WEBHOOK_PATH,
        body=b"{}",
        headers={"Content-Type": "application/json"},
        times=warm_times,
    )
    secret = env.get("STRIPE_WEBHOOK_SECRET", "whsec_bench_secret")
    orders = {order["number"]: order for order in storm["orders"]}
    _payments_start(parts, list(orders.values()))
    intents = shopside(env, "storm-state")["intents"]

    events = []
    for intent_id, number in intents.items():
        order = orders[number]
        events.append(
            _intent_event("payment_intent.processing", intent_id, order, "processing")
        )
        events.append(
            _intent_event("payment_intent.succeeded", intent_id, order, "succeeded")
        )
    deliveries = [json.dumps(event).encode() for event in events for _ in range(copies)]
    random.Random(9).shuffle(deliveries)

    answers = Counter()
    lock = threading.Lock()
    queue = list(deliveries)

    def sender() -> None:
        while True:
            with lock:
                if not queue:
                    return
                payload = queue.pop()
            headers = {
                "Content-Type": "application/json",
                "Stripe-Signature": stripe_signature(payload, secret, int(time.time())),
            }
            try:
                status, _body = _post(parts, WEBHOOK_PATH, payload, headers)
            except OSError:
                status = 0
            with lock:
                answers[status] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    sent_seconds = time.perf_counter() - started

    # Invoices and emails are made by the worker after the webhooks commit.
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        state = shopside(env, "storm-state")
        done = (
            state["invoices_ready"] >= state["orders_paid"]
            and state["confirmation_emails_sent"] >= state["orders_paid"]
        )
        if done or time.monotonic() > deadline:
            break
        time.sleep(2)
    settled_seconds = time.perf_counter() - started
    storm_emails = [
        m for m in sink.messages() if any(rcpt.startswith("storm-") for rcpt in m["to"])
    ]
    return {
        "orders": len(orders),
        "events": len(events),
        "copies_per_event": copies,
        "deliveries_sent": len(deliveries),
        "concurrent_senders": SENDERS,
        "answers": {str(k): v for k, v in sorted(answers.items())},
        "server_errors": sum(n for s, n in answers.items() if s >= 500),
        "orders_paid": state["orders_paid"],
        "paid_transitions": state["status_changes_to_paid"],
        "invoices": state["invoices"],
        "invoices_ready": state["invoices_ready"],
        "confirmation_emails": state["confirmation_emails"],
        "confirmation_emails_sent": state["confirmation_emails_sent"],
        "emails_received_by_smtp": len(storm_emails),
        "emails_with_pdf": sum(
            1
            for m in storm_emails
            if any(name.endswith(".pdf") for name in m["attachments"])
        ),
        "deliveries_per_second": round(len(deliveries) / sent_seconds, 1),
        "seconds_to_send": round(sent_seconds, 2),
        "seconds_to_invoices_and_emails": round(settled_seconds, 2),
        "worker": "real Celery worker process (prefork pool) on the Redis broker",
    }
