"""The live row of `make bench`: WebSocket subscribers on one ASGI process.

`--live-subscribers` sockets (1,000 by default) watch one shopper's orders
on `/ws/v1/orders/`, authenticated with its access JWT, all on one live
process (`shop.live`, as compose runs it) on Redis. A Django process then
moves each order through its steps, one change at a time, stamping each
change when its transaction commits.
For each change, the time from that stamp to its arrival at each socket is
measured; "to all" is the arrival at the last socket. The live process's
resident memory is read before the sockets open and once they are all
subscribed.

Run alone: `python -m bench.live` (it migrates the bench database but seeds
nothing; it needs no catalogue).
"""

import argparse
import asyncio
import gc
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from bench import servers  # noqa: E402

OPEN_AT_ONCE = 100


def live_command(*, port: int) -> list[str]:
    return [sys.executable, "-m", "shop.live", f"--port={port}"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _subscriber(url: str, token: str, arrivals: dict, ready, sockets) -> None:
    async with connect(
        url,
        subprotocols=["freshcart.v1", f"bearer.{token}"],
        open_timeout=60,
        max_queue=None,
    ) as socket:
        await socket.send(json.dumps({"type": "subscribe"}))
        assert json.loads(await socket.recv())["type"] == "subscribed"
        sockets.append(socket)
        ready()
        # Ends when the run closes the socket.
        async for message in socket:
            arrived = time.time()
            event = json.loads(message)
            arrivals.setdefault((event["order"], event["seq"]), []).append(arrived)


async def _watch(url, token, subscribers, change_command, live_pid, env) -> dict:
    arrivals: dict = {}
    sockets: list = []
    subscribed = 0
    all_subscribed = asyncio.Event()

    def ready():
        nonlocal subscribed
        subscribed += 1
        if subscribed == subscribers:
            all_subscribed.set()

    memory_before = servers.rss_mib(live_pid)
    opened = time.monotonic()
    tasks = []
    for start in range(0, subscribers, OPEN_AT_ONCE):
        for _ in range(min(OPEN_AT_ONCE, subscribers - start)):
            tasks.append(
                asyncio.create_task(_subscriber(url, token, arrivals, ready, sockets))
            )
        await asyncio.sleep(0.2)
    await asyncio.wait_for(all_subscribed.wait(), 300)
    subscribe_seconds = time.monotonic() - opened
    # The harness's own collections of a thousand sockets' objects would
    # count as the server's latency.
    gc.freeze()
    memory_subscribed = servers.rss_mib(live_pid)

    process = await asyncio.create_subprocess_exec(
        *change_command,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"live-changes failed:\n{err.decode()}")
    changes = json.loads(out.decode().strip().splitlines()[-1])["changes"]
    # The last change's messages may still be on their way.
    deadline = time.monotonic() + 10
    last = (changes[-1]["order"], changes[-1]["seq"])
    while len(arrivals.get(last, [])) < subscribers and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.gather(*(socket.close() for socket in sockets))
    await asyncio.gather(*tasks, return_exceptions=True)
    memory_after = servers.rss_mib(live_pid)

    each, to_all, first, missing = [], [], [], 0
    for change in changes:
        times = arrivals.get((change["order"], change["seq"]), [])
        missing += subscribers - len(times)
        latencies = [(arrived - change["committed_at"]) * 1000 for arrived in times]
        each += latencies
        if len(times) == subscribers:
            to_all.append(max(latencies))
            first.append(min(latencies))
    return {
        "subscribers": subscribers,
        "changes": len(changes),
        "deliveries": len(each),
        "missing_deliveries": missing,
        "subscribe_seconds": round(subscribe_seconds, 1),
        "p50_ms": round(_percentile(each, 0.50), 1),
        "p99_ms": round(_percentile(each, 0.99), 1),
        "to_all_p50_ms": round(_percentile(to_all, 0.50), 1),
        "to_all_p99_ms": round(_percentile(to_all, 0.99), 1),
        "to_all_max_ms": round(max(to_all), 1),
        "to_all_each_change_ms": [round(ms, 1) for ms in to_all],
        # A late first arrival is a late publish; a late last one, fan-out.
        "first_each_change_ms": [round(ms, 1) for ms in first],
        "live_rss_mib": {
            "before": memory_before,
            "subscribed": memory_subscribed,
            "after": memory_after,
        },
        "target_p99_ms": 100,
    }


def run(env: dict, shopside, processes, args):
    """Start the live process and watch `--live-orders` orders with
    `--live-subscribers` sockets (`add_arguments`).

    Return the figures (latencies in ms, memory in MiB).
    """
    port, subscribers = args.live_port, args.live_subscribers
    # Each socket is a file descriptor here and another in the live process.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 2 * subscribers + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    servers.port_must_be_free(port)
    server = processes.start("live", live_command(port=port), env)
    servers.wait_http(port, "/healthz", server, 60)
    prepared = shopside(env, "live-prepare", f"--orders={args.live_orders}")
    command = [
        sys.executable,
        "-m",
        "bench.shopside",
        "live-changes",
        f"--pause={args.live_pause}",
        *prepared["numbers"],
    ]
    try:
        return asyncio.run(
            _watch(
                f"ws://127.0.0.1:{port}/ws/v1/orders/",
                prepared["token"],
                subscribers,
                command,
                server.pid,
                {**env, "LOG_LEVEL": "WARNING"},
            )
        )
    finally:
        processes.stop("live")


def table(live: dict) -> str:
    memory = live["live_rss_mib"]
    return "\n".join(
        [
            f"live: {live['subscribers']} subscribers on one ASGI process, "
            f"{live['changes']} status changes, {live['deliveries']} deliveries "
            f"({live['missing_deliveries']} missing)",
            f"  commit -> each socket: p50 {live['p50_ms']} ms, "
            f"p99 {live['p99_ms']} ms",
            f"  commit -> all sockets: p50 {live['to_all_p50_ms']} ms, "
            f"p99 {live['to_all_p99_ms']} ms, max {live['to_all_max_ms']} ms "
            f"(target p99 < {live['target_p99_ms']} ms)",
            f"  live process RSS: {memory['before']} MiB idle, "
            f"{memory['subscribed']} MiB subscribed, {memory['after']} MiB after",
        ]
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the live row's options, which `bench/run.py` takes too."""
    parser.add_argument("--live-subscribers", type=int, default=1000)
    parser.add_argument("--live-orders", type=int, default=10)
    parser.add_argument("--live-port", type=int, default=8781)
    parser.add_argument(
        "--live-pause", type=float, default=1.0, help="seconds between changes"
    )


def main(argv=None) -> int:
    from bench.run import WORK_DIR, bench_env, database_lock, manage, shopside

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(parser)
    parser.add_argument("--smtp-port", type=int, default=8825)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "live.json"
    )
    args = parser.parse_args(argv)
    env = bench_env(args)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    lock = database_lock(env["DATABASE_URL"])
    processes = servers.Processes(WORK_DIR)
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        live = run(env, shopside, processes, args)
    finally:
        processes.stop_all()
        lock.close()
    print(table(live))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(live, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
