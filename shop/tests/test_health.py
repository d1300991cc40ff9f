import pytest

from shop.celery import app as celery_app

BROKEN_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.slow
def test_readyz_reports_every_dependency_and_a_worker(client, celery_worker_process):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "storage": "local",
        "workers": "ok",
    }


@pytest.mark.django_db
def test_readyz_says_when_no_worker_answers_but_stays_ready(client):
    celery_app.conf.update(task_always_eager=False)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["workers"] == "none answered"


@pytest.mark.django_db
def test_readyz_checks_the_media_bucket(client, s3_media):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"


@pytest.mark.django_db
def test_readyz_names_a_missing_media_bucket(client, s3_media, settings):
    settings.AWS_STORAGE_BUCKET_NAME = "freshcart-no-such-bucket"

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"] == "unreachable"


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
