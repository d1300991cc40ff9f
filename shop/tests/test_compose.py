import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_validates_against_the_compose_specification():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_runs_every_part_with_health_checks():
    services = _services()

    assert {
        "web",
        "live",
        "worker",
        "beat",
        "postgres",
        "redis",
        "s3",
        "mail",
        "proxy",
    } <= set(services)
    for name in ("web", "live", "worker", "proxy", "postgres", "redis", "s3", "mail"):
        assert "disable" not in services[name]["healthcheck"], name


def test_every_image_is_pinned_and_no_health_check_needs_curl():
    services = _services()

    for name, service in services.items():
        if "image" in service and "build" not in service:
            assert not service["image"].endswith(":latest"), name
            assert ":" in service["image"], name
        test = service.get("healthcheck", {}).get("test", [])
        assert "curl" not in " ".join(test), name
    assert not services["s3"]["image"].startswith("minio/")


def test_release_jobs_run_once_before_the_web_starts():
    services = _services()

    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["media-bucket"]["command"] == "python manage.py media_bucket_create"
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["web"]["depends_on"]["media-bucket"] == {
        "condition": "service_completed_successfully"
    }
    # The image's gunicorn settings apply: no command of compose's own.
    assert "command" not in services["web"]
    assert services["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "shop.probe",
        "/healthz",
    ]


def test_only_the_proxy_is_reachable_from_outside_and_it_is_the_trusted_one():
    services = _services()

    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"proxy", "mail"}
    assert services["mail"]["ports"] == ["127.0.0.1:8025:8025"]
    proxy_address = services["proxy"]["networks"]["shop"]["ipv4_address"]
    assert services["web"]["environment"]["SHOP_TRUSTED_PROXIES"] == proxy_address


def test_the_image_leaves_out_secrets_and_local_state():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()

    assert {".env", ".git", ".venv", "var", "node_modules"} <= set(ignored)


def test_dockerfile_runs_as_a_non_root_user():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_the_live_websockets_run_in_their_asgi_process_beside_gunicorn():
    services = _services()
    live = services["live"]

    # shop.live is the one home of the ASGI server's settings; the tests'
    # live server and make bench run it too.
    assert live["command"].split()[:3] == ["python", "-m", "shop.live"]
    assert "--port 8001" in live["command"]
    # Its probe asks the live process's own port; every other setting is web's.
    assert live["environment"]["PROBE_ADDRESS"] == "127.0.0.1:8001"
    assert (
        live["environment"]["REDIS_URL"] == services["web"]["environment"]["REDIS_URL"]
    )
    assert live["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["proxy"]["depends_on"]["live"] == {"condition": "service_healthy"}


def test_the_proxy_sends_ws_to_the_live_service_with_the_upgrade_headers():
    conf = (ROOT / "deploy" / "nginx" / "shop.conf.template").read_text()
    location = conf[conf.index("location /ws/ {") :]
    location = location[: location.index("}") + 1]

    assert "server live:8001;" in conf
    assert "proxy_pass http://shop_live;" in location
    assert "proxy_http_version 1.1;" in location
    assert "proxy_set_header Upgrade $http_upgrade;" in location
    assert "proxy_set_header Connection $connection_upgrade;" in location
