"""`/healthz`: the process answers. `/readyz`: its dependencies answer too."""

import logging

from django.conf import settings
from django.core.cache import cache
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


@never_cache
def readyz(request):
    checks = {}
    failed = []
    for name, check in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("broker", _check_broker),
    ):
        try:
            checks[name] = check() or "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readyz: %s unreachable: %r", name, exc)
            checks[name] = "unreachable"
            failed.append(name)
    body = {"status": "unavailable" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    if settings.DEBUG:
        body["debug"] = True
    return JsonResponse(body, status=503 if failed else 200)
