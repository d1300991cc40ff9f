"""Steps a person takes in the shop, written with role and label locators.

Finding things by role and accessible name (a button called "Add Robusta
Banana to cart", a field labelled "PIN code") is how a screen reader user
meets the page, so a step that works here also checks the page's labels.
"""

import re

from playwright.sync_api import Page, expect

OFFLINE_SUCCESS_CARD = "4242 4242 4242 4242"
OFFLINE_DECLINE_CARD = "4000 0000 0000 0002"
PASSWORD = "lemon-grass-91-Tiffin"


def sign_up(page: Page, shop, *, email: str, name: str) -> None:
    page.goto(shop("/"))
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def log_in(page: Page, shop, *, email: str, password: str = PASSWORD) -> None:
    page.goto(shop("/account/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page, shop) -> None:
    page.goto(shop("/account/"))
    page.get_by_role("button", name="Log out").first.click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def set_pin_code(page: Page, shop, pin_code: str = "560001") -> None:
    """Choose the delivery PIN code on the cart page, as the header's link leads."""
    page.goto(shop("/cart/"))
    page.get_by_label("PIN code").fill(pin_code)
    page.get_by_role("button", name="Check delivery").click()
    expect(page.get_by_text(f"We deliver to {pin_code} in")).to_be_visible()


def give_pin_code_when_asked(page: Page, pin_code: str = "560001") -> None:
    """Answer the PIN dialog that ADD opens before the shop knows the store."""
    dialog = page.get_by_role("dialog", name="Where should we deliver?")
    expect(dialog).to_be_visible()
    dialog.get_by_label("PIN code").fill(pin_code)
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_have_count(0)


def add_to_cart(page: Page, product_name: str) -> None:
    page.get_by_role("button", name=f"Add {product_name} to cart").click()
    expect(
        page.get_by_role("button", name=f"Add one more {product_name}")
    ).to_be_visible()


def cart_count(page: Page):
    return page.get_by_role("link", name=re.compile(r"\d+ items?")).first


def checkout_with_new_address(page: Page, shop, *, pin_code: str = "560001") -> None:
    """From the cart page: checkout, add an address, pick the first slot, place."""
    page.goto(shop("/cart/"))
    page.get_by_role("link", name=re.compile("checkout", re.I)).first.click()
    expect(page.get_by_role("heading", name="Checkout", exact=True)).to_be_visible()
    add_address = page.get_by_text("Add a new address")
    if add_address.is_visible() and not page.get_by_label("PIN code").is_visible():
        add_address.click()
    page.get_by_label("Label").fill("Home")
    page.get_by_label("Recipient's name").fill("Asha Rao")
    page.get_by_label("Mobile number").fill("9876543210")
    page.get_by_label("Address line 1").fill("12 MG Road")
    page.get_by_label("City").fill("Bengaluru")
    page.get_by_label("State").fill("Karnataka")
    page.get_by_label("PIN code").fill(pin_code)
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_role("radio", name=re.compile("Home"))).to_be_checked()


def choose_first_slot(page: Page) -> None:
    page.get_by_role("radio", name=re.compile(r"\d\d:\d\d–\d\d:\d\d")).first.check()


def place_order(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Place order")).click()


def pay_with_card(page: Page, card_number: str) -> None:
    expect(
        page.get_by_role("heading", name=re.compile("Pay for order"))
    ).to_be_visible()
    page.get_by_label("Card number").fill(card_number)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
