"""Drive one URL with wrk from a second process: warm up, then measure.

wrk (Debian's `wrk`) is a small C load generator: one thread and a fixed
number of connections, for a fixed time, to loopback only. Its Lua hook
(`wrk_report.lua`) prints the summary as JSON, latencies in microseconds.
"""

import http.client
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")
# Also counts the page cache's answers (X-Page-Cache); reading each answer's
# headers in Lua costs wrk some speed, so only rows that report a hit rate use it.
HITS_SCRIPT = Path(__file__).with_name("wrk_hits.lua")


@dataclass
class Target:
    """One row of the table: a URL, the headers it needs, what its body shows."""

    name: str
    path: str
    headers: dict = field(default_factory=dict)
    # A string the page must contain, so a redirect or an empty page
    # is never measured as a fast page.
    expect: str = ""
    anonymous: bool = True
    # Report the share of answers the page cache gave.
    hit_rate: bool = False
    # Filled by `preflight`: status and size of the answer.
    preflight: dict = field(default_factory=dict)


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is not installed: run `make system-packages` "
            "(scripts/ensure-system-packages.sh installs Debian's wrk)."
        )
    return path


def fetch(base_url: str, target: Target, timeout: float = 30.0) -> tuple[int, bytes]:
    """Return the status and body of one GET, without following redirects."""
    parts = urlsplit(base_url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("the benchmark only ever talks to loopback")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", target.path, headers=target.headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def warm(
    base_url: str, method: str, path: str, *, body=None, headers=None, times: int
) -> list[int]:
    """Send the same request a few times, so every worker has imported its code."""
    parts = urlsplit(base_url)
    statuses = []
    for _ in range(times):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        finally:
            conn.close()
    return statuses


def preflight(base_url: str, target: Target) -> dict:
    """Check the URL answers 200 with what it should show; return its size."""
    status, body = fetch(base_url, target)
    if status != 200:
        raise RuntimeError(
            f"{target.name}: GET {target.path} answered {status}, not 200: "
            f"{body[:300]!r}"
        )
    if target.expect and target.expect.encode() not in body:
        raise RuntimeError(
            f"{target.name}: GET {target.path} does not contain {target.expect!r}"
        )
    return {"status": status, "bytes": len(body)}


def _wrk(
    base_url: str, target: Target, *, seconds: float, connections: int, threads: int
) -> dict:
    command = [
        wrk_path(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={HITS_SCRIPT if target.hit_rate else REPORT_SCRIPT}",
    ]
    for name, value in target.headers.items():
        command.append(f"--header={name}: {value}")
    command.append(base_url.rstrip("/") + target.path)
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip()}")
    last = completed.stdout.strip().splitlines()[-1]
    return json.loads(last)


def measure(
    base_url: str,
    target: Target,
    *,
    seconds: float,
    warmup: float,
    connections: int,
    threads: int = 1,
) -> dict:
    """Warm the URL up, then measure it; return rps, p50/p90/p99 in ms, errors."""
    load_before = Path("/proc/loadavg").read_text().split()[0]
    if warmup > 0:
        _wrk(base_url, target, seconds=warmup, connections=connections, threads=1)
    raw = _wrk(
        base_url, target, seconds=seconds, connections=connections, threads=threads
    )
    duration = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    errors = {k: v for k, v in raw["errors"].items() if v}
    extra = {}
    if "cache" in raw:
        answered = sum(raw["cache"].values()) or 1
        extra = {
            "cache": raw["cache"],
            "cache_hit_rate": round(raw["cache"]["hit"] / answered, 4),
        }
    return {
        **extra,
        "requests": raw["requests"],
        "seconds": round(duration, 2),
        "rps": round(raw["requests"] / duration, 1) if duration else 0.0,
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p90_ms": round(latency["p90"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "max_ms": round(latency["max"] / 1000, 2),
        "errors": errors,
        "connections": connections,
        # The machine's 1-minute load average when the URL's turn began.
        "loadavg_before": float(load_before),
    }
