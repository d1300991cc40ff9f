"""Orders placed at a steady rate through the real API while pages are measured.

A thread per buyer slot puts one unit in the buyer's cart (`POST
/api/v1/cart/items/`) and places the order (`POST /api/v1/orders/`), each
buyer in turn, paced to the asked rate; what the shop answered is counted.
The variants bought have plenty on the store's shelf, as the popular items
of a real shop do, so the orders move stock without emptying a shelf.
"""

import http.client
import itertools
import json
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


class OrderStream:
    """Place orders at `rate` a second from a background thread until stopped."""

    def __init__(self, base_url: str, flow: dict, *, rate: float):
        parts = urlsplit(base_url)
        if parts.hostname not in {"127.0.0.1", "localhost"}:
            raise SystemExit("the benchmark only ever talks to loopback")
        self.host, self.port = parts.hostname, parts.port
        self.flow, self.rate = flow, rate
        self.statuses: Counter = Counter()
        self.placed = 0
        self.started = self.stopped = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self):
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)
        self.stopped = time.monotonic()

    def _post(self, path: str, body: dict, token: str, key: str) -> int:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(
                "POST",
                path,
                json.dumps(body).encode(),
                {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "Idempotency-Key": key,
                },
            )
            response = conn.getresponse()
            response.read()
            return response.status
        except OSError:
            return 0
        finally:
            conn.close()

    def _one(self, index: int, buyer: dict) -> None:
        variant = self.flow["variants"][index % len(self.flow["variants"])]
        added = self._post(
            "/api/v1/cart/items/",
            {"variant": variant, "quantity": 1},
            buyer["access"],
            f"bench-flow-cart-{self.flow['run']}-{index}",
        )
        placed = self._post(
            "/api/v1/orders/",
            {"address": buyer["address"], "slot": self.flow["slot"]},
            buyer["access"],
            f"bench-flow-order-{self.flow['run']}-{index}",
        )
        with self._lock:
            self.statuses[f"cart {added}"] += 1
            self.statuses[f"order {placed}"] += 1
            self.placed += placed == 201

    def _run(self) -> None:
        # Each buyer's cart is emptied by their order: a buyer is used again
        # only after every other, which at 5 a second is long after.
        buyers = itertools.cycle(enumerate(self.flow["buyers"]))
        interval = 1.0 / self.rate
        next_at = time.monotonic()
        workers: list[threading.Thread] = []
        counter = itertools.count(self.flow.get("offset", 0))
        while not self._stop.is_set():
            _slot, buyer = next(buyers)
            index = next(counter)
            worker = threading.Thread(target=self._one, args=(index, buyer))
            worker.start()
            workers.append(worker)
            next_at += interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))
        for worker in workers:
            worker.join(timeout=60)
        self.flow["offset"] = next(counter)

    def summary(self) -> dict:
        seconds = (self.stopped or time.monotonic()) - self.started
        return {
            "orders_placed": self.placed,
            "seconds": round(seconds, 1),
            "orders_per_second": round(self.placed / seconds, 2) if seconds else 0,
            "statuses": dict(sorted(self.statuses.items())),
        }
