"""An unanswering Redis is a cache miss; each rate limit stays open or closed."""

import socket
import time

import pytest
from django.core.cache import caches

from accounts.tests.factories import UserFactory


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return caches["default"]


def test_every_operation_answers_a_miss_quickly(redis_down):
    started = time.monotonic()

    assert redis_down.get("k", "default") == "default"
    assert redis_down.add("k", 1) is False
    redis_down.set("k", 1)
    assert redis_down.get_many(["k"]) == {}
    assert redis_down.delete("k") is False
    with pytest.raises(ValueError, match="could not count"):
        redis_down.incr("k")
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_login_stays_open_and_reset_mail_closed_without_the_cache(
    client, settings, redis_down
):
    settings.SHOP_RATE_LOGIN_ACCOUNT = "1/h"
    settings.SHOP_RATE_LOGIN_IP = "1/h"
    user = UserFactory()

    logins = [
        client.post(
            "/account/login/", {"email": user.email, "password": "wrong"}
        ).status_code
        for _ in range(3)
    ]
    reset = client.post("/account/password-reset/", {"email": user.email})

    assert logins == [400, 400, 400]
    assert reset.status_code == 429
    assert reset["Retry-After"] == "60"


def test_one_redis_client_serves_every_operation():
    from django.core.cache import cache

    cache.set("k", 1)
    client = cache._cache.get_client(write=True)

    assert cache.get("k") == 1
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client
