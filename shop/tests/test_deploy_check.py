import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "shop.settings.production",
    "DJANGO_SECRET_KEY": "x7#k2!p9@vQ4mZ8$wR1^tY6&uI3*oP0(aS5)dF7_gH2+jK9=lL4",
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
}


def _manage(*args, **env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "STRIPE"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_offline_test_card_provider():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "STRIPE_SECRET_KEY"}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "offline test-card provider cannot run in production" in result.stderr


def test_production_refuses_demo_fulfilment():
    result = _manage("check", **PRODUCTION_ENV, SHOP_DEMO_FULFILMENT_SECONDS="60")

    assert result.returncode != 0
    assert "SHOP_DEMO_FULFILMENT_SECONDS moves paid orders along" in result.stderr
    assert "for `make run` only" in result.stderr


def test_production_refuses_to_create_the_published_demo_accounts(transactional_db):
    from django.db import connection

    from accounts.models import User

    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"{url}/{database['NAME']}"}

    result = _manage("demo_users", **env)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Demo accounts are refused under these settings" in result.stderr
    assert not User.objects.filter(email="admin@freshcart.test").exists()
