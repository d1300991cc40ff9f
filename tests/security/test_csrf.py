"""Every HTML form that posts is refused without its CSRF token.

The pages a shopper, a visitor and a seller see are fetched, every
`<form method="post">` on them is collected, and each is posted by a client
that enforces CSRF checks, with the same session but no token: 403, and the
page explains what happened.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from accounts.tests.factories import PASSWORD


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action"),
                    "token": False,
                }
            )
        elif (
            tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.forms
        ):
            self.forms[-1]["token"] = True


def _post_forms(client: Client, page: str) -> list[dict]:
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = _Forms()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        if form["method"] != "post":
            continue
        action = urljoin(page, form["action"] or page)
        forms.append({**form, "action": urlsplit(action).path, "page": page})
    return forms


def _pages(world) -> dict:
    pending = world.pending_order.number
    address = world.address.pk
    apple = world.shop.products["apple"].pk
    return {
        None: [
            "/",
            "/p/robusta-banana/",
            "/c/fresh-fruits/",
            "/cart/",
            "/account/login/",
            "/account/register/",
            "/account/password-reset/",
            "/admin/login/",
        ],
        "owner": [
            "/",
            "/p/robusta-banana/",
            "/cart/",
            "/checkout/",
            f"/orders/{pending}/",
            # The order page links to this question; its form cancels.
            f"/orders/{pending}/cancel/",
            f"/orders/{pending}/pay/",
            "/account/",
            "/account/addresses/",
            "/account/addresses/add/",
            f"/account/addresses/{address}/edit/",
            f"/account/addresses/{address}/delete/",
            "/account/password/",
        ],
        "seller": [
            "/admin/",
            "/admin/catalog/product/add/",
            f"/admin/catalog/product/{apple}/change/",
            "/admin/catalog/product/",
            "/admin/orders/order/",
            f"/admin/orders/order/{world.paid_order.pk}/change/",
        ],
    }


# Forms the shop must have; the crawl has to find at least these.
EXPECTED_ACTIONS = {
    "/account/login/",
    "/account/register/",
    "/account/password-reset/",
    "/account/logout/",
    "/cart/add/",
    "/cart/set/",
    "/checkout/",
    "/checkout/address/",
    "/account/addresses/add/",
    "/account/password/",
    "/admin/login/",
    "/admin/catalog/product/add/",
    "/admin/orders/order/",
}


@pytest.fixture
def crawled_forms(world):
    """Every posting form on the crawled pages, with who saw it."""
    world.owner.set_password(PASSWORD)
    world.owner.save()
    forms = []
    for who, pages in _pages(world).items():
        client = Client()
        if who is not None:
            client.force_login(getattr(world, who))
        for page in pages:
            forms += [{**form, "who": who} for form in _post_forms(client, page)]
    return forms


def test_the_crawl_finds_every_kind_of_form(crawled_forms, world):
    actions = {form["action"] for form in crawled_forms}
    pending = world.pending_order.number

    assert actions >= EXPECTED_ACTIONS | {
        f"/orders/{pending}/cancel/",
        f"/orders/{pending}/pay/test-card/",
        f"/account/addresses/{world.address.pk}/delete/",
    }


def test_every_posting_form_carries_a_csrf_token(crawled_forms):
    missing = [f"{f['page']} → {f['action']}" for f in crawled_forms if not f["token"]]

    assert missing == []


def test_every_posting_form_is_refused_without_its_token(crawled_forms, world):
    accepted = []
    seen = set()
    for form in crawled_forms:
        key = (form["who"], form["action"])
        if key in seen:
            continue
        seen.add(key)
        client = Client(enforce_csrf_checks=True)
        if form["who"] is not None:
            client.force_login(getattr(world, form["who"]))
        response = client.post(form["action"], {"quantity": "1"})
        if response.status_code != 403 or b"form has expired" not in (response.content):
            accepted.append(f"{form['who']} {form['action']}: {response.status_code}")

    assert accepted == []
    assert len(seen) >= len(EXPECTED_ACTIONS)


@pytest.mark.django_db
def test_a_forged_token_is_refused_like_a_missing_one(user):
    client = Client(enforce_csrf_checks=True)
    client.get("/account/login/")

    response = client.post(
        "/account/login/",
        {"email": user.email, "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64},
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
