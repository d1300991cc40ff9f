"""Two beats on one Redis: one runs the schedule, the other takes over on its death."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LOCK_SECONDS = 3


def _beat(log: Path, prefix: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        # Due entries go to an in-process broker: no task reaches a worker.
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_REDBEAT_LOCK_TIMEOUT": str(LOCK_SECONDS),
        "CELERY_BEAT_MAX_LOOP_INTERVAL": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "shop", "beat", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _holds_lock(log: Path) -> bool:
    return "beat: Acquired lock" in log.read_text()


def _wait_for_lock(log: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _holds_lock(log):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_second_beat_waits_and_takes_over_when_the_first_dies(tmp_path):
    prefix = f"beat-test-{uuid.uuid4().hex[:8]}"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _beat(first_log, prefix)
    second = None
    try:
        assert _wait_for_lock(first_log, 60), first_log.read_text()
        second = _beat(second_log, prefix)
        # Past the lock's lifetime: the first beat keeps renewing it.
        time.sleep(LOCK_SECONDS * 3)
        assert "Scheduler: Sending" not in second_log.read_text()
        assert not _holds_lock(second_log), second_log.read_text()

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        assert _wait_for_lock(second_log, LOCK_SECONDS + 5), second_log.read_text()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        store = redis.Redis.from_url(settings.REDIS_URL)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
