"""Fixtures every app's tests share.

Tests run on PostgreSQL and Redis (shop.settings.test). Celery runs tasks
eagerly unless a test asks for `celery_worker_process`, which starts a real
worker on the Redis broker against the test database.
"""

import importlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import _state as celery_state
from django.core.cache import cache

from shop.celery import app as celery_app

ROOT = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: starts real worker processes or servers; tens of seconds each",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test is a failed test: nothing may go missing."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped under CI=true, which is a failure: {report.longrepr}"
        )


@pytest.fixture(autouse=True)
def _fresh_cache_and_eager_tasks():
    """Start each test with an empty cache (no rate-limit counters), tasks eager."""
    cache.clear()
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    # Eager `.delay()` from many threads at once can leave Celery's global
    # "inside a task" flag set, and every later `result.get()` then refuses.
    celery_state._set_task_join_will_block(False)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _data_migrations_after_flush(request):
    """Put back what data migrations made (the Sellers and Store staff groups)
    for transactional tests.

    A transactional test ends by flushing every table; Django re-creates content
    types and permissions, but not rows that data migrations wrote.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    sellers_group = importlib.import_module("accounts.migrations.0002_sellers_group")
    sellers_group.create_sellers_group(apps, schema_editor=None)
    store_staff = importlib.import_module("orders.migrations.0008_store_staff_role")
    store_staff.create_store_staff_group(apps, schema_editor=None)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {
            **settings.STORAGES["invoices"],
            "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT},
        },
    }


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def seller(db):
    from accounts.tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def other_seller(db):
    from accounts.tests.factories import SellerFactory

    return SellerFactory()


@pytest.fixture
def staff_user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def auth_api_client(user):
    """An API client carrying a real access token for `user`."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}"
    )
    client.user = user
    return client


def _worker_env(database_name: str) -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{database_name}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
    }


@pytest.fixture
def celery_worker_env():
    """Extra environment for worker processes; override this fixture to set it."""
    return {}


def _worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@pytest.fixture
def celery_worker_start(transactional_db, settings, celery_worker_env):
    """Return `start(extra_env=None)`, which starts a real Celery worker process
    on the Redis broker and returns it once it answers; every one stops after."""
    from django.db import connection

    processes = []
    celery_app.conf.update(task_always_eager=False)

    def start(extra_env: dict | None = None) -> subprocess.Popen:
        env = {
            **_worker_env(connection.settings_dict["NAME"]),
            **celery_worker_env,
            **(extra_env or {}),
        }
        hostname = f"test-worker-{os.getpid()}-{len(processes)}@%h"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shop",
                "worker",
                "--pool=solo",
                "--queues=default,emails,invoices",
                f"--hostname={hostname}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        processes.append(process)
        # The ping must come from this worker, not one started before it.
        destination = [hostname.replace("%h", socket.gethostname())]
        deadline = time.monotonic() + 60
        while True:
            try:
                if celery_app.control.ping(destination=destination, timeout=0.5):
                    return process
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not start")

    try:
        yield start
    finally:
        for process in processes:
            _worker_stop(process)
        celery_app.conf.update(task_always_eager=True)


@pytest.fixture
def celery_worker_process(celery_worker_start):
    """Start a real Celery worker process on the Redis broker; stop it after."""
    return celery_worker_start()


@pytest.fixture(scope="session")
def _moto_s3_server():
    from moto.server import ThreadedMotoServer

    from shop.tests.smtp_server import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(settings, _moto_s3_server):
    """Media on S3 through django-storages and boto3: moto's server on loopback,
    a fresh private bucket. Returns a boto3 client and the bucket name."""
    import uuid

    import boto3
    from botocore.config import Config

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    config = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5)
    client = boto3.client(
        "s3",
        endpoint_url=_moto_s3_server,
        region_name="ap-south-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )
    client.create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": "ap-south-1"},
    )
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = _moto_s3_server
    settings.AWS_S3_REGION_NAME = "ap-south-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_S3_CLIENT_CONFIG = config
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "invoices": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "default_acl": "private",
                "querystring_auth": True,
                "custom_domain": None,
            },
        },
    }
    return client, bucket
