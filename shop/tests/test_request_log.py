import json
import logging

import pytest

from shop.logs import JsonFormatter


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
