import pytest
from django.conf import settings

from shop.celery import app as celery_app
from shop.celery import ping


def test_tasks_run_eagerly_in_unit_tests():
    assert ping.delay("eager").get(timeout=1) == "pong:eager"


def test_production_settings_for_the_broker():
    conf = celery_app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert conf.broker_url.startswith("redis://")


def test_every_beat_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(celery_app.tasks)


@pytest.mark.timeout(120)
def test_a_real_worker_on_redis_returns_a_result(celery_worker_process):
    result = ping.delay("worker")

    assert result.get(timeout=30) == "pong:worker"
    assert celery_app.conf.task_always_eager is False
