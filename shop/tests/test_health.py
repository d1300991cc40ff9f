import pytest

from shop.celery import app as celery_app

BROKEN_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_dependency_reachable(client):
    celery_app.conf.update(task_always_eager=False)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }


@pytest.mark.django_db
def test_readyz_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BROKEN_REDIS,
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"] == "unreachable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_names_an_unreachable_broker(client):
    original = celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=BROKEN_REDIS)
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.update(broker_url=original)

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
