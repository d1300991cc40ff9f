"""axe-core finds no WCAG 2.2 A/AA or best-practice violation on the shopper's pages.

axe-core comes from the npm registry (`make node-tools` puts it in
node_modules/, as `make test` does) and is injected by Playwright into each
page, at a phone's and a laptop's size. The contexts bypass the shop's
Content Security Policy only so the test's own script can be injected.
"""

from pathlib import Path

import pytest

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from orders.services.cart import cart_get_or_create, cart_line_add
from tests.conftest import IN_CI
from tests.e2e import steps
from tests.shopdata import PIN_CODE, shop_seed

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SIZES = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
PAGES = {
    "home": "/",
    "category": "/c/fruits-vegetables/",
    "product": "/p/robusta-banana/",
    "search": "/search/?q=banana",
    "cart": "/cart/",
    "checkout": "/checkout/",
}


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const only = {runOnly: {type: "tag", values: tags}};
            const result = await axe.run(document, only);
            return result.violations.map((v) => {
                const where = v.nodes.slice(0, 3).map((n) => n.target.join(" "));
                return `${v.id}: ${where.join(", ")}`;
            });
        }""",
        TAGS,
    )


@pytest.mark.parametrize("size", SIZES)
def test_shopper_pages_have_no_axe_violations(live_shop, browser, size):
    if not AXE.exists():
        message = f"{AXE} is missing: run make node-tools"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    shop = shop_seed(pictures=True)
    user = UserFactory(name="Meera Iyer")
    AddressFactory(user=user, postal_code=PIN_CODE, is_default=True, label="Home")
    cart_line_add(
        cart=cart_get_or_create(user=user),
        variant_id=shop.variants["banana"].pk,
        quantity=2,
    )
    context = browser.new_context(viewport=SIZES[size], bypass_csp=True, locale="en-IN")
    page = context.new_page()
    found = {}
    page.goto(live_shop("/account/login/"))
    found["login"] = _violations(page)
    steps.log_in(page, live_shop, email=user.email, password=PASSWORD)
    for name, path in PAGES.items():
        page.goto(live_shop(path))
        found[name] = _violations(page)
    context.close()

    assert {name: v for name, v in found.items() if v} == {}
