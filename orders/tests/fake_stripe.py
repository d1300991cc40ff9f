"""A small stand-in for Stripe's HTTP API, on loopback, for stripe-python.

It speaks what stripe-python sends (form-encoded bodies with `a[b]=c`
nesting, `Authorization: Bearer <key>`, `Idempotency-Key`) and answers
what Stripe answers for the calls the shop makes:

- `POST /v1/payment_intents`, `GET /v1/payment_intents/<id>`
- `POST /v1/refunds`

Tests drive the other side through methods: `intent_succeed`,
`intent_fail`, and `event(...)` builds the event Stripe would deliver, which
`signature_header` signs with Stripe's scheme for the webhook.

Run by hand (`python -m orders.tests.fake_stripe`), it stands in for Stripe
behind a running shop: `POST /_fake/payment_intents/<id>/succeed` (or
`/fail`) plays the shopper's card and delivers the signed event to the
shop's webhook.
"""

import base64
import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


def form_decode(body: str) -> dict:
    """Decode stripe-python's form body into nested dicts and lists."""
    result: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = result
        for part, following in zip(parts, parts[1:], strict=False):
            default = [] if following == "" or following.isdigit() else {}
            if isinstance(node, list):
                index = int(part) if part.isdigit() else len(node)
                while len(node) <= index:
                    node.append(copy.copy(default))
                node = node[index]
            else:
                node = node.setdefault(part, default)
        last = parts[-1]
        if isinstance(node, list):
            node.append(value)
        else:
            node[last] = value
    return result


def signature_header(payload: bytes, secret: str, timestamp: int | None = None):
    """Return a `Stripe-Signature` header for payload, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _error(status: int, message: str, *, type_="invalid_request_error", **extra):
    return status, {"error": {"type": type_, "message": message, **extra}}


class FakeStripe:
    """The state of the fake: what was created, and every request received."""

    def __init__(self, *, api_key: str, webhook_url: str = "", webhook_secret=""):
        self.api_key = api_key
        # Where `POST /_fake/...` delivers the events it causes, signed.
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.intents: dict[str, dict] = {}
            self.charges: dict[str, dict] = {}
            self.refunds: dict[str, dict] = {}
            self.idempotent: dict[str, tuple[str, dict, tuple[int, dict]]] = {}
            self.requests: list[dict] = []
            self.fail_next: list[tuple[int, dict]] = []

    # The API

    def handle(self, method: str, path: str, headers, body: str):
        if path.startswith("/_fake/"):
            return self._control(method, path)
        params = form_decode(body) if body else {}
        with self.lock:
            self.requests.append(
                {
                    "method": method,
                    "path": path,
                    "params": params,
                    "idempotency_key": headers.get("Idempotency-Key"),
                }
            )
            if not self._authorized(headers.get("Authorization", "")):
                return _error(401, "Invalid API Key provided.")
            if self.fail_next:
                return self.fail_next.pop(0)
            key = headers.get("Idempotency-Key")
            if method == "POST" and key:
                seen = self.idempotent.get(key)
                if seen is not None:
                    if (seen[0], seen[1]) != (path, params):
                        return _error(
                            400,
                            "Keys for idempotent requests can only be used with "
                            "the same parameters they were first used with.",
                            type_="idempotency_error",
                        )
                    return seen[2]
            answer = self._route(method, path, params)
            if method == "POST" and key and answer[0] < 500:
                self.idempotent[key] = (path, params, answer)
            return answer

    def _authorized(self, header: str) -> bool:
        # stripe-python sends a bearer token; curl -u sends the key as a user.
        if header == f"Bearer {self.api_key}":
            return True
        if header.startswith("Basic "):
            try:
                user = base64.b64decode(header[6:]).decode().split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                return False
            return user == self.api_key
        return False

    def _route(self, method, path, params):
        if method == "POST" and path == "/v1/payment_intents":
            return self._intent_create(params)
        if method == "GET" and path.startswith("/v1/payment_intents/"):
            intent = self.intents.get(path.rsplit("/", 1)[-1])
            if intent is None:
                return _error(404, "No such payment_intent.", code="resource_missing")
            return 200, copy.deepcopy(intent)
        if method == "POST" and path == "/v1/refunds":
            return self._refund_create(params)
        return _error(404, f"Unrecognized request URL ({method}: {path}).")

    def _intent_create(self, params):
        try:
            amount = int(params["amount"])
        except (KeyError, ValueError):
            return _error(400, "Missing required param: amount.", param="amount")
        if amount < 1 or not params.get("currency"):
            return _error(400, "Invalid amount or currency.", param="amount")
        intent_id = f"pi_{secrets.token_hex(12)}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": params["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "metadata": params.get("metadata", {}),
            "automatic_payment_methods": {
                "enabled": params.get("automatic_payment_methods", {}).get("enabled")
                == "true"
            },
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "created": int(time.time()),
        }
        self.intents[intent_id] = intent
        return 200, copy.deepcopy(intent)

    def _refund_create(self, params):
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _error(404, "No such payment_intent.", code="resource_missing")
        charge = self.charges.get(intent["latest_charge"] or "")
        if intent["status"] != "succeeded" or charge is None:
            return _error(
                400,
                "This PaymentIntent does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount", left))
        if amount < 1 or amount > left:
            return _error(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount "
                f"on charge ({left})",
                code="amount_too_large",
            )
        refund_id = f"re_{secrets.token_hex(12)}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "charge": charge["id"],
            "payment_intent": intent["id"],
            "metadata": params.get("metadata", {}),
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.refunds[refund_id] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return 200, copy.deepcopy(refund)

    def _control(self, method: str, path: str):
        """`POST /_fake/payment_intents/<id>/succeed|fail`: act as the shopper.

        The intent changes as confirming a good or a declined card changes
        it, and the event Stripe would send is delivered, signed, to
        `webhook_url` (when set) and returned.
        """
        parts = path.strip("/").split("/")
        if method != "POST" or len(parts) != 4 or parts[1] != "payment_intents":
            return _error(404, f"Unrecognized control URL ({method}: {path}).")
        intent_id, outcome = parts[2], parts[3]
        if intent_id not in self.intents or outcome not in ("succeed", "fail"):
            return _error(404, "No such payment_intent or outcome.")
        if outcome == "succeed":
            self.intent_succeed(intent_id)
            event = self.event("payment_intent.succeeded", intent_id)
        else:
            self.intent_fail(intent_id)
            event = self.event("payment_intent.payment_failed", intent_id)
        delivered = None
        if self.webhook_url:
            delivered = self.webhook_send(event)
        return 200, {"event": event, "webhook_status": delivered}

    def webhook_send(self, event: dict) -> int:
        """POST a signed event to `webhook_url`; return the HTTP status."""
        payload = json.dumps(event).encode()
        request = urllib.request.Request(
            self.webhook_url,
            data=payload,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": signature_header(payload, self.webhook_secret),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # The shopper's side and Stripe's events, for tests

    def intent_succeed(self, intent_id: str, *, amount: int | None = None) -> dict:
        """Pay the intent, as confirming a good card does; return it."""
        with self.lock:
            intent = self.intents[intent_id]
            charge_id = f"ch_{secrets.token_hex(12)}"
            paid = intent["amount"] if amount is None else amount
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": paid,
                "amount_refunded": 0,
                "refunded": False,
                "currency": intent["currency"],
                "payment_intent": intent_id,
            }
            intent.update(
                status="succeeded",
                amount=paid,
                amount_received=paid,
                latest_charge=charge_id,
                last_payment_error=None,
            )
            return copy.deepcopy(intent)

    def intent_fail(
        self, intent_id: str, *, message: str = "Your card was declined."
    ) -> dict:
        """Decline the intent's card, as confirming a bad card does; return it."""
        with self.lock:
            intent = self.intents[intent_id]
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "type": "card_error",
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "message": message,
                },
            )
            return copy.deepcopy(intent)

    def event(self, event_type: str, intent_id: str, *, event_id=None) -> dict:
        """Return the event Stripe would deliver now about the intent."""
        with self.lock:
            intent = self.intents[intent_id]
            if event_type == "charge.refunded":
                obj = copy.deepcopy(self.charges[intent["latest_charge"]])
            else:
                obj = copy.deepcopy(intent)
        return {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": obj},
        }

    def requests_to(self, method: str, path: str) -> list[dict]:
        with self.lock:
            return [
                r for r in self.requests if r["method"] == method and r["path"] == path
            ]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path = self.path.split("?", 1)[0]
        status, payload = self.server.fake.handle(method, path, self.headers, body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._answer("GET")

    def do_POST(self):  # noqa: N802
        self._answer("POST")

    def log_message(self, format, *args):  # noqa: A002
        """Keep test output quiet."""


class FakeStripeServer:
    """Serve a FakeStripe on 127.0.0.1 at a free port from a thread."""

    def __init__(
        self,
        *,
        api_key: str = "sk_test_fake",
        port: int = 0,
        webhook_url: str = "",
        webhook_secret: str = "",
    ):
        self.fake = FakeStripe(
            api_key=api_key, webhook_url=webhook_url, webhook_secret=webhook_secret
        )
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self.fake
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeStripeServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


WEBHOOK_URL = "/api/v1/payments/stripe/webhook/"


def webhook_deliver(client, event: dict, *, secret: str, timestamp=None, header=None):
    """POST an event to the shop's webhook as Stripe does, signed with secret."""
    payload = json.dumps(event).encode()
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header
        if header is not None
        else signature_header(payload, secret, timestamp),
    )


def main() -> None:
    """Serve the fake Stripe for a shop run by hand (see docs/payments.md)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default="sk_test_fake")
    parser.add_argument(
        "--webhook-url",
        default="http://127.0.0.1:8000/api/v1/payments/stripe/webhook/",
    )
    parser.add_argument("--webhook-secret", default="whsec_fake")
    args = parser.parse_args()
    server = FakeStripeServer(
        api_key=args.api_key,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    print(f"fake Stripe at {server.url}, events to {args.webhook_url}", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
