"""`/healthz`: the process answers. `/readyz`: its dependencies answer too.

The database, the cache, the broker and the media bucket are needed to serve,
so any of them missing makes `/readyz` 503. Workers are reported but do not
fail it: without them the shop still sells (tasks wait in the broker), and
taking every web process out of the load balancer would stop that too.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from shop.celery import app

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("the cache did not return what was stored")


def _check_broker() -> str:
    if app.conf.task_always_eager:
        return "in-process"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    return "ok"


def _check_storage() -> str:
    storage = storages["default"]
    if not hasattr(storage, "bucket_name"):
        return "local"
    # HEAD on the bucket: a missing bucket (404) or bad credentials (403) raise.
    storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
    return "ok"


def _workers() -> str:
    if app.conf.task_always_eager:
        return "in-process"
    try:
        answers = app.control.ping(timeout=WORKER_PING_SECONDS, limit=1)
    except Exception as exc:  # noqa: BLE001 - the broker check names the cause
        logger.warning("readyz: workers not asked: %r", exc)
        return "unknown"
    return "ok" if answers else "none answered"


# How long /readyz waits for a worker's answer to its ping.
WORKER_PING_SECONDS = 1.0


@never_cache
def readyz(request):
    checks = {}
    failed = []
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("broker", _check_broker),
        ("storage", _check_storage),
    ):
        try:
            checks[name] = check() or "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readyz: %s unreachable: %r", name, exc)
            checks[name] = "unreachable"
            failed.append(name)
    checks["workers"] = "unknown" if "broker" in failed else _workers()
    body = {"status": "unavailable" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    if settings.DEBUG:
        body["debug"] = True
    return JsonResponse(body, status=503 if failed else 200)
