"""A newcomer's `make run` sells: a fresh clone serves, and its demo shopper buys.

The committed HEAD of this checkout is cloned into a temporary folder and
`make run` is run there as README says, with nothing a newcomer would not
have: no `var/`, no database or media of ours, none of the test settings
(`DATABASE_URL`, `REDIS_URL`, `DJANGO_SETTINGS_MODULE` are not passed on), so
it is the SQLite path with tasks in-process and the offline test cards. Only
the virtualenv is reused (a symlink, and make is told it is installed), to
spare a reinstall. Then, in Chromium, the shopper whose login `make run`
printed buys an item with the saved address, express, pays with the
success card, sees the countdown to the promise and downloads the invoice;
then, with nobody packing, demo fulfilment packs the order and the open page
shows it without a reload (daphne's runserver, the in-memory channel layer,
the demo's timer).
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, ROOT, free_port, wait_for_health
from tests.e2e import steps

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

# How long a loaded CI machine may take to migrate, seed and start serving.
SERVE_TIMEOUT = 420
# Demo fulfilment's first step comes a minute after payment (settings.local).
PACKED_WITHIN_MS = 150_000
# What a newcomer's shell has; nothing the shop's settings would read.
NEWCOMER_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "HOME": os.environ.get("HOME", "/root"),
    "LANG": "C.UTF-8",
    # Output reaches the log as it is printed, which helps a failure read.
    "PYTHONUNBUFFERED": "1",
}
SHOPPER_LOGIN = re.compile(r"^\s*shopper\s+(\S+@\S+)\s+(\S+)\s*$", re.MULTILINE)


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def _clone_head(target: Path) -> str:
    """Clone this checkout's committed HEAD into `target`; return its commit."""
    head = _git("rev-parse", "HEAD", cwd=ROOT)
    _git("clone", "--quiet", "--no-checkout", str(ROOT), str(target), cwd=ROOT)
    _git("checkout", "--quiet", "--detach", head, cwd=target)
    return head


def _stop(process: subprocess.Popen) -> None:
    """End make, runserver and its autoreloader child: the whole process group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    # Whatever of the group outlived the TERM (or make itself) goes now.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture
def newcomer_shop(tmp_path):
    """`make run` in a fresh clone on a free port; yield its URL and output."""
    clone = tmp_path / "freshcart"
    _clone_head(clone)
    assert not (clone / "var").exists()
    (clone / ".venv").symlink_to(Path(sys.prefix))
    port = free_port()
    folder = ARTIFACTS / "newcomer-make-run"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = folder / "make-run.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            # -o: the symlinked virtualenv counts as installed; no pip run.
            ["make", "run", f"PORT={port}", "-o", ".venv/.installed"],
            cwd=clone,
            env=NEWCOMER_ENV,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_health(url, process, log, timeout=SERVE_TIMEOUT)
        except RuntimeError as exc:
            pytest.fail(f"make run did not serve: {exc}")
        yield url, log.read_text(), clone
    finally:
        _stop(process)
        shutil.rmtree(clone, ignore_errors=True)


def test_a_fresh_clone_serves_and_its_demo_shopper_buys_and_pays(
    newcomer_shop, desktop_page, shots
):
    url, output, clone = newcomer_shop
    page = desktop_page

    def shop(path: str = "/") -> str:
        return f"{url}{path}"

    # make run made its own var/ with a fresh SQLite database, and said whom
    # to log in as. It makes var/ before anything opens the database: that
    # the system checks' diskcache may make var/cache first is luck (their
    # order varies from machine to machine), and luck is what broke it.
    assert (clone / "var" / "db.sqlite3").is_file()
    commands = [line for line in output.splitlines() if not line.startswith(" ")]
    assert "mkdir -p var" in commands, "make run does not create var/"
    assert commands.index("mkdir -p var") < commands.index(
        ".venv/bin/python manage.py migrate --noinput -v 0"
    )
    login = SHOPPER_LOGIN.search(output)
    assert login is not None, output
    email, password = login.groups()
    assert f"Demo logins ({url}):" in output

    steps.log_in(page, shop, email=email, password=password)
    expect(page.get_by_role("link", name="Orders", exact=True)).to_be_visible()

    # Anything on the home page: the first product card's ADD.
    page.goto(shop("/"))
    add = page.get_by_role("button", name=re.compile(r"^Add .+ to cart$")).first
    product_name = re.fullmatch(r"Add (.+) to cart", add.get_attribute("aria-label"))[1]
    add.click()
    expect(steps.cart_count(page)).to_contain_text("1 item")

    # The cart names the PIN codes the shop delivers to.
    page.goto(shop("/cart/"))
    expect(page.get_by_text("We deliver to these PIN codes")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^560034"))).to_be_visible()
    expect(page.get_by_role("link", name=product_name)).to_be_visible()
    shots(page, "cart")

    # Checkout: the saved address and express delivery from its dark store
    # are chosen already (make run's stores are open at any hour), with the
    # store's slots beside it.
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.get_by_role("heading", name="Checkout", exact=True)).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("Home"))).to_be_checked()
    expect(
        page.get_by_text(re.compile(r"Delivery in about \d+ minutes")).first
    ).to_be_visible()
    expect(
        page.get_by_role(
            "radio", name=re.compile(r"^Express — arrives in about \d+ minutes")
        )
    ).to_be_checked()
    expect(
        page.get_by_role("radio", name=re.compile(r"\d\d:\d\d–\d\d:\d\d")).first
    ).not_to_be_checked()
    place = page.get_by_role("button", name=re.compile("Place order"))
    expect(place).to_be_enabled()
    shots(page, "checkout")
    place.click()

    # Pay on the offline test-card page.
    steps.pay_with_card(page, steps.OFFLINE_SUCCESS_CARD)
    expect(page.get_by_text("Payment received")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("Order .* Paid"))
    ).to_be_visible()
    expect(page.get_by_text("Express delivery, arriving by")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^in \d+:\d\d$"))
    shots(page, "order paid")

    # The invoice was made in-process and downloads as a PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download invoice (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("INV-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Nobody packs in a demo: the order moves on by itself, and the open
    # page follows it live.
    page.evaluate("window.newcomerMarker = 'not reloaded'")
    expect(page.locator("[data-live-status]")).to_have_text(
        "Packed", timeout=PACKED_WITHIN_MS
    )
    expect(page.locator("[data-live-timeline] li.is-done strong").last).to_have_text(
        "Packed"
    )
    assert page.evaluate("window.newcomerMarker") == "not reloaded"
    shots(page, "order packed by itself")
    page.problems.assert_none()
