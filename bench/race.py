"""The checkout races: many buyers, the last few units or express places,
one moment.

In the stock race every buyer has the same variant in the cart and books
one slot; in the express race every buyer asks for express delivery from a
store with fewer express places than buyers. Each buyer has a JWT; all
connect first, wait at a barrier, then `POST /api/v1/orders/` at once
through the real API.
"""

import http.client
import json
import statistics
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from bench import load

ORDERS_PATH = "/api/v1/orders/"


def slot_body(buyer: dict, race: dict) -> bytes:
    """The stock race's order: the buyer's address and the race's slot."""
    return json.dumps({"address": buyer["address"], "slot": race["slot"]}).encode()


def express_body(buyer: dict, _race: dict) -> bytes:
    """The express race's order: the buyer's address, delivered express."""
    return json.dumps({"address": buyer["address"], "delivery": "express"}).encode()


def run(
    base_url: str,
    race: dict,
    env: dict,
    shopside,
    *,
    warm_times: int,
    body=slot_body,
    state: str = "race-state",
) -> dict:
    """Fire every buyer's order at once; return what the shop answered and
    what the `state` command of bench.shopside says it kept."""
    parts = urlsplit(base_url)
    buyers = race["buyers"]
    # Every worker loads the orders API before the moment that counts.
    load.warm(
        base_url,
        "GET",
        ORDERS_PATH,
        headers={"Authorization": f"Bearer {buyers[0]['access']}"},
        times=warm_times,
    )
    barrier = threading.Barrier(len(buyers) + 1)
    answers: list[dict] = [{} for _ in buyers]

    def buy(index: int, buyer: dict) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        headers = {
            "Authorization": f"Bearer {buyer['access']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": f"bench-{state}-{index}",
        }
        try:
            conn.connect()
            barrier.wait(timeout=60)
            started = time.perf_counter()
            conn.request("POST", ORDERS_PATH, body(buyer, race), headers)
            response = conn.getresponse()
            answer = _json(response.read())
            answers[index] = {
                "status": response.status,
                "seconds": time.perf_counter() - started,
                "ended": time.perf_counter(),
                "code": answer.get("code"),
                "offers_slots": bool(answer.get("slots")),
            }
        except (OSError, threading.BrokenBarrierError) as exc:
            answers[index] = {"status": 0, "error": repr(exc), "ended": 0.0}
        finally:
            conn.close()

    threads = [
        threading.Thread(target=buy, args=(i, b), daemon=True)
        for i, b in enumerate(buyers)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    released = time.perf_counter()
    for thread in threads:
        thread.join(timeout=180)
    wall = max(a.get("ended", 0.0) for a in answers) - released

    statuses = Counter(a.get("status", 0) for a in answers)
    codes = Counter(a.get("code") for a in answers if a.get("status") == 409)
    made = statuses.get(201, 0)
    kept = shopside(env, state)
    latencies = [a["seconds"] for a in answers if "seconds" in a]
    return {
        "buyers": len(buyers),
        **({"stock_before": race["stock"]} if "stock" in race else {}),
        **({"express_places": race["capacity"]} if "capacity" in race else {}),
        "orders_made": made,
        "refused_409": statuses.get(409, 0),
        "refusal_codes": dict(codes),
        "refusals_offering_slots": sum(
            1 for a in answers if a.get("status") == 409 and a.get("offers_slots")
        ),
        "server_errors": sum(n for s, n in statuses.items() if s >= 500),
        "no_answer": statuses.get(0, 0),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        **kept,
        "seconds": round(wall, 3),
        "orders_per_second": round(made / wall, 1) if wall > 0 else None,
        "answers_per_second": round(len(buyers) / wall, 1) if wall > 0 else None,
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1)
        if latencies
        else None,
        "latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "errors": [a["error"] for a in answers if "error" in a][:5],
    }


def _json(body: bytes) -> dict:
    try:
        answer = json.loads(body)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
