"""The processes a benchmark run starts, watches and stops: nothing else.

Each process is started here, remembered by its Popen, and stopped by that
pid at the end (SIGTERM, then SIGKILL after a grace period).
"""

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Processes:
    """Start child processes and stop exactly those, newest first."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - kept open
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.children.append((name, process))
        return process

    def stop(self, name: str) -> None:
        for child_name, process in list(self.children):
            if child_name == name:
                _terminate(process)
                self.children.remove((child_name, process))

    def stop_all(self) -> None:
        for _name, process in reversed(self.children):
            _terminate(process)
        self.children.clear()


def _terminate(process: subprocess.Popen, grace: float = 20.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def port_must_be_free(port: int) -> None:
    """Refuse to start when something already listens on the port.

    A server left over from an interrupted run would otherwise answer the
    readiness check in place of the one being started.
    """
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    except OSError:
        return
    raise RuntimeError(
        f"something already listens on 127.0.0.1:{port}; stop it or pass "
        "another port (--port, --smtp-port)"
    )


def wait_http(port: int, path: str, process: subprocess.Popen, timeout: float) -> None:
    """Wait until GET path on loopback answers 200, or raise."""
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server on port {port} exited ({process.returncode})"
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            last_error = f"status {status}"
        except OSError as exc:
            last_error = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}{path}: {last_error}")


def wait_first_line(log: Path, process: subprocess.Popen, timeout: float) -> str:
    """Wait until the process wrote its first line to its log; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name}: the process exited ({process.returncode})")
        text = log.read_text() if log.exists() else ""
        if "\n" in text:
            return text.split("\n", 1)[0].strip()
        time.sleep(0.1)
    raise RuntimeError(f"{log.name}: nothing written in {timeout} s")


def gunicorn_command(*, port: int, workers: int, worker_class: str, threads: int):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "shop.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        "--backlog=2048",
        "--log-level=warning",
        # As the Dockerfile serves it: gunicorn's access log on stdout (here
        # var/bench/gunicorn.log), beside the shop's own JSON request log.
        "--access-logfile=-",
    ]
    if worker_class == "gthread":
        command.append(f"--threads={threads}")
    return command


def celery_command(*, concurrency: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "shop",
        "worker",
        "--queues=default,emails,invoices",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
    ]


def wait_celery(broker_url: str, process: subprocess.Popen, timeout: float) -> None:
    """Wait until the worker answers a ping on the broker, or raise."""
    from celery import Celery

    app = Celery("bench-ping", broker=broker_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited ({process.returncode})")
        try:
            if app.control.ping(timeout=1.0):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the Celery worker did not answer a ping")


def children_of(pid: int) -> list[int]:
    """Return the pids whose parent is pid, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mib(pid: int) -> float | None:
    """Return the resident set size of a process in MiB, from VmRSS."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _cpu_times() -> tuple[int, int]:
    """Return the machine's (idle, total) CPU ticks so far, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split()[1:9]]
    return fields[3] + fields[4], sum(fields)


def wait_quiet(*, idle_share: float = 0.9, within: float = 60.0) -> float:
    """Wait for a second in which the CPUs are `idle_share` idle, `within` seconds
    at most (the database's autovacuum after the order rows, say); return the
    idle share of the last second."""
    deadline = time.monotonic() + within
    while True:
        idle, total = _cpu_times()
        time.sleep(1)
        idle_after, total_after = _cpu_times()
        share = (idle_after - idle) / max(1, total_after - total)
        if share >= idle_share or time.monotonic() >= deadline:
            return round(share, 2)
