import json
import logging

import pytest

from shop.logs import (
    JsonFormatter,
    RequestContextFilter,
    request_enter,
    request_exit,
)


@pytest.mark.django_db
def test_an_incoming_request_id_is_kept_and_sent_back(client, caplog):
    with caplog.at_level(logging.INFO, logger="shop.request"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"
    (record,) = [r for r in caplog.records if r.name == "shop.request"]
    assert record.request_id == "abc-123"
    assert record.method == "GET"
    assert record.path == "/healthz"
    assert record.status == 200
    assert record.duration_ms >= 0


@pytest.mark.django_db
def test_a_request_id_is_made_when_none_or_a_forged_one_comes(client):
    made = client.get("/healthz")["X-Request-ID"]
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nfake log line")[
        "X-Request-ID"
    ]

    assert len(made) == 32
    assert forged != "x\nfake log line"
    assert len(forged) == 32


def test_json_lines_carry_the_request_fields():
    record = logging.makeLogRecord(
        {
            "name": "shop.request",
            "levelname": "INFO",
            "msg": "GET / 200",
            "request_id": "r1",
            "status": 200,
        }
    )

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "GET / 200"
    assert line["request_id"] == "r1"
    assert line["status"] == 200
    assert line["level"] == "INFO"


class _Records(logging.Handler):
    """Collect records as the console handler sees them (with its filter)."""

    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(RequestContextFilter())

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield handler.records
    root.setLevel(previous)
    root.removeHandler(handler)


@pytest.mark.django_db
def test_every_record_of_a_request_has_its_request_and_user_id(
    auth_api_client, records, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    auth_api_client.get("/api/v1/me/", HTTP_X_REQUEST_ID="req-42")
    client_records = list(records)
    auth_api_client.get("/readyz", HTTP_X_REQUEST_ID="req-43")

    me_line = [r for r in client_records if r.name == "shop.request"]
    warning = [r for r in records if r.name == "shop.health"]
    assert [(r.request_id, r.user_id) for r in me_line] == [
        ("req-42", auth_api_client.user.pk)
    ]
    # A record from inside the view, not the request line: it has the id too.
    assert warning
    assert {r.request_id for r in warning} == {"req-43"}


@pytest.mark.django_db
def test_records_outside_a_request_get_no_ids(records):
    logging.getLogger("shop.test").warning("no request here")

    (record,) = [r for r in records if r.name == "shop.test"]
    assert not hasattr(record, "request_id")
    assert not hasattr(record, "user_id")


@pytest.mark.django_db
def test_a_task_queued_by_a_request_carries_its_ids(records, rf, user):
    """The headers a queued task is published with, and the worker's side."""
    from celery import signals

    from shop.celery import ping

    request = rf.get("/")
    request.id = "req-7"
    request.user = user
    headers: dict = {}
    token = request_enter(request)
    try:
        signals.before_task_publish.send(sender="shop.ping", headers=headers)
    finally:
        request_exit(token)

    # The worker: the task runs with those headers, outside any request.
    ping.apply(args=["x"], headers=headers, task_id="task-1")
    result = ping.apply(args=["y"], headers=headers, task_id="task-2")

    assert headers == {"shop_request_id": "req-7", "shop_user_id": user.pk}
    assert result.get() == "pong:y"
    (record,) = [
        r
        for r in records
        if r.name == "celery.app.trace" and "task-2" in r.getMessage()
    ]
    assert (record.request_id, record.user_id, record.task_id) == (
        "req-7",
        user.pk,
        "task-2",
    )
