"""Lighthouse 12 scores the shopper's pages on a phone and on a desktop.

Lighthouse's own command line (`make node-tools` puts it in node_modules/,
as `make test` does) drives Debian's Chromium, not Playwright. The demo
catalogue is served by gunicorn with static files as production serves them
(`tests/e2e/lighthouse_settings.py`). Anonymous pages are measured as a
visitor meets them; the cart and checkout with a signed-in shopper's session
cookie. Every category must score at least 95, performance at least 98,
and the findings the storefront issue named (FINDINGS) must pass.

Mobile is Lighthouse's default (a mid-range phone, simulated slow 4G and a
CPU slowed 4×), desktop its `--preset=desktop`; both simulate throttling from
one unthrottled load, which keeps runs comparable. The 4× is meant for a host
whose CPU scores about 1,500 on Lighthouse's benchmark index; on a slower host
it makes the phone slower than Lighthouse's reference phone (a shared
two-core VM here scores 980–1,380 from one run to the next, and Lighthouse
warns below 1,000). So the phone's multiplier is calibrated for the host as
Lighthouse's docs/throttling.md ("Calibrating multipliers") says, from the
median index of a few runs first, and never above the default 4. What still
varies from run to run is the CPU time the host gives the browser, which
moves Total Blocking Time: a page that misses the performance bar is measured
until it has five runs and judged by their median, Lighthouse's advice for
variance (docs/variability.md in its repository). Reports (JSON and HTML) and
a table of the scores, with the host's index and the multiplier used, land in
test-artifacts/lighthouse/.
"""

import json
import math
import shutil
import statistics
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from tests.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    IN_CI,
    ROOT,
    _server_env,
    gunicorn_serving,
    served_database_name,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ARTIFACTS / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LEAST = {"performance": 98, "accessibility": 95, "best-practices": 95, "seo": 95}
# A performance score below its bar is measured this many times in all.
RUNS_WHEN_SHORT = 5
# Lighthouse runs that measure the host's CPU before the phone is calibrated.
CALIBRATION_RUNS = 3
# Lighthouse's mobile default, which calibration never exceeds.
MOBILE_CPU_SLOWDOWN = 4.0
# Lighthouse is run this many times at most for one report it fails to make.
TOOL_ATTEMPTS = 3
# The findings issue 17 names, which must pass on every page and size
# whatever the scores (the region rule is axe-core's: test_accessibility).
FINDINGS = (
    "uses-text-compression",
    "uses-long-cache-ttl",
    "uses-responsive-images",
    "heading-order",
    "select-name",
    "image-redundant-alt",
)
PRESETS = ("mobile", "desktop")
PAGES = {
    "home": "/",
    "category": "/c/fruits-vegetables/",
    "product": "/p/banana-robusta/",
    "search": "/search/?q=banana",
    "login": "/account/login/",
    "cart": "/cart/",
    "checkout": "/checkout/",
}
SIGNED_IN = {"cart", "checkout"}
# The shopper's PIN code: one of the demo's, served by the Koramangala store.
PIN_CODE = "560034"


@pytest.fixture
def demo_server(transactional_db, django_db_blocker, tmp_path, settings):
    """Serve the test database with production's static files; yield its URL."""
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = str(media_root)
    env = {
        **_server_env(served_database_name(django_db_blocker), media_root),
        "DJANGO_SETTINGS_MODULE": "tests.e2e.lighthouse_settings",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # The shopper's pages use the shop's own static files only; the admin's
    # and the API browser's would add two minutes of compression.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        + ["-i", "admin", "-i", "rest_framework", "-i", "drf_spectacular_sidecar"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with gunicorn_serving(env, ARTIFACTS / "lighthouse-server.log") as url:
        yield url


def _demo_shop() -> str:
    """Seed the demo catalogue and its stores; return a signed-in shopper's session."""
    from orders.demo import demo_delivery_ensure
    from orders.models import ServiceArea
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.tests.factories import DeliverySlotFactory

    call_command("seed_demo", products=160, stdout=StringIO())
    demo_delivery_ensure()
    store = ServiceArea.objects.get(postal_code=PIN_CODE).store
    for _ in range(3):
        DeliverySlotFactory(store=store)
    user = UserFactory(name="Asha Rao")
    AddressFactory(user=user, postal_code=PIN_CODE, is_default=True, label="Home")
    cart = cart_get_or_create(user=user)
    shelf = store.stock_rows.filter(quantity__gt=5).order_by("variant_id")[:3]
    for row in shelf:
        cart_line_add(cart=cart, variant_id=row.variant_id, quantity=1)
    # Logged in through the login page, as a shopper is: the session also
    # remembers the default address's PIN code for the header.
    client = Client()
    client.post("/account/login/", {"email": user.email, "password": PASSWORD})
    return client.cookies["sessionid"].value


def _lighthouse(
    url: str, *, preset: str, report: Path, headers: dict, only=CATEGORIES, cpu=None
):
    """Run Lighthouse once; return its result (the JSON report)."""
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_ARGS])}",
        f"--only-categories={','.join(only)}",
        "--output=json",
        "--output=html",
        f"--output-path={report}",
        # The report's page-wide screenshot costs a second and a half a run.
        "--disable-full-page-screenshot",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cpu is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu:.2f}")
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    errors = []
    # Now and then Chromium's trace of a load misses an event Lighthouse
    # needs (NO_NAVSTART, NO_FCP): a failed recording, not a verdict on the
    # page, so it is recorded again.
    while len(errors) < TOOL_ATTEMPTS:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=180
        )
        if done.returncode == 0:
            return json.loads(report.with_suffix(".report.json").read_text())
        errors.append(done.stderr.strip().splitlines()[-1:])
    pytest.fail(f"Lighthouse could not measure {url}: {errors}")


def _score(result, category: str) -> int:
    # As the report shows it (JavaScript's Math.round).
    return math.floor(result["categories"][category]["score"] * 100 + 0.5)


def _short_of(result, category: str) -> list[str]:
    """The audits of a category that did not score full marks, for the message."""
    audits = result["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']].get('displayValue', '')}".rstrip(": ")
        for ref in result["categories"][category]["auditRefs"]
        if ref["weight"] and (audits[ref["id"]]["score"] or 0) < 1
    ]


def _cpu_slowdown_for(benchmark_index: float) -> float:
    """The multiplier that makes this host's CPU Lighthouse's reference phone.

    The piecewise line of Lighthouse's calibration calculator (linked from its
    docs/throttling.md): an index of 1,533 is 4×, 1,300 is 3×, 800 is 2×.
    """
    if benchmark_index >= 1300:
        multiplier = 3 + (benchmark_index - 1300) / 233
    elif benchmark_index >= 800:
        multiplier = 2 + (benchmark_index - 800) / 500
    else:
        multiplier = 1 + (benchmark_index - 150) / 650
    return min(MOBILE_CPU_SLOWDOWN, max(1.0, multiplier))


def _host_benchmark_index(url: str) -> float:
    indexes = [
        _lighthouse(
            url,
            preset="mobile",
            report=REPORTS / f"calibration-{run}",
            headers={},
            only=("seo",),
        )["environment"]["benchmarkIndex"]
        for run in range(CALIBRATION_RUNS)
    ]
    return statistics.median(indexes)


def _measure(
    url: str, *, name: str, preset: str, headers: dict, cpu: float | None
) -> dict:
    """Score one page at one size: every category, performance as a median if short."""
    stem = REPORTS / f"{name}-{preset}"
    first = _lighthouse(url, preset=preset, report=stem, headers=headers, cpu=cpu)
    scores = {category: _score(first, category) for category in CATEGORIES}
    runs = [scores["performance"]]
    while scores["performance"] < LEAST["performance"] and len(runs) < RUNS_WHEN_SHORT:
        again = _lighthouse(
            url,
            preset=preset,
            report=REPORTS / f"{name}-{preset}-run{len(runs) + 1}",
            headers=headers,
            only=("performance",),
            cpu=cpu,
        )
        runs.append(_score(again, "performance"))
        if len(runs) == RUNS_WHEN_SHORT:
            scores["performance"] = int(statistics.median(runs))
    short = {
        category: _short_of(first, category)
        for category in CATEGORIES
        if scores[category] < LEAST[category]
    }
    audits = first["audits"]
    found = [
        f"{name}: {audits[name].get('displayValue', '')}".rstrip(": ")
        for name in FINDINGS
        if audits[name]["scoreDisplayMode"] != "notApplicable"
        and audits[name]["score"] != 1
    ]
    if found:
        short["findings"] = found
    return {"scores": scores, "performance_runs": runs, "short": short}


def _table(measured: dict, *, benchmark_index: float, cpu: float) -> str:
    rows = [
        f"Host benchmark index {benchmark_index:.0f}: the phone's CPU slowdown "
        f"is {cpu:.2f}× (Lighthouse's default {MOBILE_CPU_SLOWDOWN:g}×).",
        "",
    ]
    rows += ["| page | size | " + " | ".join(CATEGORIES) + " | performance runs |"]
    rows.append("|---" * (len(CATEGORIES) + 3) + "|")
    for (name, preset), found in measured.items():
        scores = " | ".join(str(found["scores"][c]) for c in CATEGORIES)
        runs = ", ".join(map(str, found["performance_runs"]))
        rows.append(f"| {name} | {preset} | {scores} | {runs} |")
    return "\n".join(rows) + "\n"


def test_lighthouse_scores_the_shoppers_pages(demo_server):
    if not LIGHTHOUSE.exists() or not Path(CHROMIUM).exists():
        message = f"{LIGHTHOUSE} or {CHROMIUM} is missing: run make node-tools"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    session = _demo_shop()
    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir(parents=True)

    benchmark_index = _host_benchmark_index(f"{demo_server}{PAGES['login']}")
    cpu = _cpu_slowdown_for(benchmark_index)
    measured = {}
    for name, path in PAGES.items():
        headers = {"Cookie": f"sessionid={session}"} if name in SIGNED_IN else {}
        for preset in PRESETS:
            measured[name, preset] = _measure(
                f"{demo_server}{path}",
                name=name,
                preset=preset,
                headers=headers,
                cpu=cpu if preset == "mobile" else None,
            )
    table = _table(measured, benchmark_index=benchmark_index, cpu=cpu)
    (REPORTS / "scores.md").write_text(table)

    failures = {
        f"{name} {preset}": {
            category: f"{found['scores'][category]} < {LEAST[category]}"
            for category in found["short"]
            if category in LEAST
        }
        | {"audits": found["short"]}
        for (name, preset), found in measured.items()
        if found["short"]
    }
    assert failures == {}, table
