"""Fixtures for the quality gates: a real server on loopback and a real browser.

`live_shop` serves the shop from a gunicorn process against the pytest test
database (the test's data is committed, so the test uses `transactional_db`),
with tasks eager in that process, the offline test-card provider and static
files through WhiteNoise. `desktop_page` and `phone_page` are Playwright pages
in Debian's Chromium; `shots` saves a screenshot per step under
`test-artifacts/<test name>/`. `world` is a shop where two shoppers and two
sellers each own objects, for the security and bad-input gates.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.shopdata import History, Shop, shop_seed, shopper_history

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_name: str, media_root: Path) -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{database_name}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "SHOP_OFFLINE_PAYMENTS": "true",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_PUBLISHABLE_KEY": "",
        "MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
    }
    return env


def wait_for_health(
    url: str, process: subprocess.Popen, log: Path, *, timeout: float = 60
) -> None:
    """Wait until `process` answers `url`/healthz; raise if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited ({process.returncode}):\n{log.read_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"the server did not answer /healthz in {timeout}s:\n{log.read_text()}"
    )


@contextlib.contextmanager
def _serving(command: list[str], port: int, env: dict, log: Path):
    """Run a server `command` listening on `port`; yield its URL once it answers."""
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        wait_for_health(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def gunicorn_serving(env: dict, log: Path):
    """Serve the shop with gunicorn on a free loopback port; yield its URL.

    `env` is the server's whole environment (see `_server_env`).
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "shop.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--worker-class=gthread",
        "--threads=4",
        "--timeout=120",
        "--graceful-timeout=5",
        "--log-level=warning",
    ]
    with _serving(command, port, env, log) as url:
        yield url


@contextlib.contextmanager
def live_serving(env: dict, log: Path):
    """Serve the shop's ASGI application (the live WebSockets) as compose's
    `live` service does (`shop.live`).

    Yield its http:// URL; WebSockets are at the same address as ws://.
    """
    port = free_port()
    command = [sys.executable, "-m", "shop.live", f"--port={port}"]
    with _serving(command, port, env, log) as url:
        yield url


def served_database_name(django_db_blocker) -> str:
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.settings_dict["NAME"]


@pytest.fixture(scope="session")
def shop_server(
    django_db_setup, django_db_blocker, tmp_path_factory, live_events_server
):
    """Serve the shop with gunicorn on a loopback port for the whole session.

    As compose runs it, the pages' live script talks to the ASGI process
    (`live_events_server`), so order pages follow their order in every
    journey. Yield the URL and the media folder.
    """
    media_root = tmp_path_factory.mktemp("shop-server-media")
    env = _server_env(served_database_name(django_db_blocker), media_root)
    env["SHOP_LIVE_URL"] = live_events_server
    with gunicorn_serving(env, ARTIFACTS / "shop-server.log") as url:
        yield url, media_root


@pytest.fixture(scope="session")
def live_events_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """Serve the live WebSockets (`shop.live`) on Redis for the whole session.

    Yield its ws:// URL.
    """
    media_root = tmp_path_factory.mktemp("live-server-media")
    env = _server_env(served_database_name(django_db_blocker), media_root)
    with live_serving(env, ARTIFACTS / "live-server.log") as url:
        yield url.replace("http://", "ws://")


@dataclass
class LiveShop:
    url: str

    def __call__(self, path: str = "/") -> str:
        return f"{self.url}{path}"

    def last_email(self, *, to: str, template_prefix: str = ""):
        """Return the newest email recorded for `to`, sent by the server process."""
        from shop.models import OutboundEmail

        emails = OutboundEmail.objects.filter(
            to__iexact=to, template__startswith=template_prefix
        ).order_by("-created_at", "-id")
        return emails.first()

    def link_in_email(self, *, to: str, template_prefix: str = "") -> str:
        """Return the first link to this shop in the newest email for `to`."""
        email = self.last_email(to=to, template_prefix=template_prefix)
        assert email is not None, f"no email was recorded for {to}"
        links = re.findall(r"https?://[^\s<>\"')]+", email.body_text)
        assert links, f"the email {email.subject!r} holds no link"
        # SITE_URL in the server names another origin; keep the path only.
        path = re.sub(r"^https?://[^/]+", "", links[0])
        return self(path)


@pytest.fixture
def live_shop(transactional_db, shop_server, settings):
    """The shop served by a real process, reading what this test commits."""
    url, media_root = shop_server
    # The test's factories write pictures where the server serves them from.
    settings.MEDIA_ROOT = str(media_root)
    return LiveShop(url=url)


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium driven by Playwright; under CI its absence fails."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # Django takes for an async context; the test's own ORM calls are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
            # While Playwright runs, the ORM holds its connection in another
            # context than the test's; close it here or it outlives the test.
            connections.close_all()


@dataclass
class BrowserProblems:
    """What the browser complained about: console errors, failed requests."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def _console(self, message) -> None:
        # Failed loads are judged by URL in `failed_requests` instead: a
        # browser's own favicon.ico probe is not the shop's error.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            self.console_errors.append(message.text)

    def _request_failed(self, request) -> None:
        # A download ends its navigation with ERR_ABORTED; that is no failure.
        if request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"failed {request.url}: {request.failure}")

    def assert_none(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.failed_requests == [], self.failed_requests

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on(
            "response",
            lambda response: (
                self.failed_requests.append(f"{response.status} {response.url}")
                if response.status >= 500
                or (
                    response.status >= 400
                    and ("/static/" in response.url or "/media/" in response.url)
                )
                else None
            ),
        )
        page.on("requestfailed", self._request_failed)


def _new_page(browser, **context_options):
    context = browser.new_context(
        locale="en-IN", timezone_id="Asia/Kolkata", **context_options
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(20_000)
    page = context.new_page()
    page.problems = BrowserProblems()
    page.problems.watch(page)
    return context, page


@pytest.fixture
def desktop_page(browser):
    """A desktop browser tab, 1280×800."""
    context, page = _new_page(browser, viewport={"width": 1280, "height": 800})
    yield page
    context.close()


@pytest.fixture
def wide_page(browser):
    """A laptop's browser tab, 1366×900, the most common desktop size."""
    context, page = _new_page(browser, viewport={"width": 1366, "height": 900})
    yield page
    context.close()


def _phone_context_options(**extra) -> dict:
    return {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        **extra,
    }


@pytest.fixture
def phone_page_without_js(browser):
    """A phone's browser tab, 390×844, with JavaScript switched off."""
    context, page = _new_page(
        browser, **_phone_context_options(java_script_enabled=False)
    )
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone's browser tab, 390×844 with touch."""
    context, page = _new_page(browser, **_phone_context_options())
    yield page
    context.close()


class Shots:
    """Save one numbered screenshot per step of a journey."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def __call__(self, page, step: str, *, full_page: bool = True) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shots(request):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    return Shots(ARTIFACTS / name)


@dataclass
class World:
    shop: Shop
    owner: object
    seller: object
    other_shopper: object
    other_seller: object
    history: History
    paid_order: object
    review: object
    invoice: object = None

    @property
    def address(self):
        return self.history.address

    @property
    def cart_line(self):
        return self.history.cart_line

    @property
    def pending_order(self):
        return self.history.pending_order

    @property
    def delivered_order(self):
        return self.history.delivered_order


@pytest.fixture
def world(db):
    """Shopper `owner` has an address, a cart line and three orders of products
    sold by `seller`; `other_seller` sells something else; a review of the
    seller's apple by the owner exists."""
    from accounts.tests.factories import SellerFactory, UserFactory
    from catalog.tests.factories import ProductVariantFactory, ReviewFactory
    from orders.models import OrderStatus
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.services.placement import order_place
    from orders.services.status import order_status_change

    shop = shop_seed()
    owner = UserFactory(name="Olivia Owner")
    history = shopper_history(shop=shop, user=owner)
    other_seller = SellerFactory(name="Other Seller")
    ProductVariantFactory(
        product__seller=other_seller, product__category=shop.categories["milk"]
    )
    # A paid order, placed without disturbing the owner's cart line.
    line = history.cart_line
    cart = cart_get_or_create(user=owner)
    line.delete()
    cart_line_add(cart=cart, variant_id=shop.variants["mango"].pk, quantity=1)
    paid = order_place(user=owner, address=history.address, slot=shop.slots[2])
    paid = order_status_change(order=paid, to_status=OrderStatus.PAID)
    cart_line_add(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
    history.cart_line = cart.lines.get()
    return World(
        shop=shop,
        owner=owner,
        seller=shop.seller,
        other_shopper=UserFactory(name="Oscar Other"),
        other_seller=other_seller,
        history=history,
        paid_order=paid,
        review=ReviewFactory(product=shop.products["apple"], user=owner, rating=5),
    )


@pytest.fixture
def ready_invoice(world, settings, tmp_path):
    """The delivered order's invoice, numbered and rendered by the real services."""
    from orders.invoicing.services import invoice_issue, invoice_render_pdf

    invoice = invoice_render_pdf(invoice=invoice_issue(order=world.delivered_order))
    world.invoice = invoice
    return invoice
