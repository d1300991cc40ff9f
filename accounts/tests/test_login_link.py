"""An owner locked out by the per-account guard gets in with a one-time emailed link.

The guard stays: anyone may pause an account's logins by guessing. The 429
page offers the link; it proves the mailbox, like a reset link, works once,
and tells nobody whether an address has an account, by answer or by time.
"""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services
from accounts.tests.factories import UserFactory
from shop.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tight_rates")]


def _lock_out(client, user):
    for _ in range(2):
        client.post("/account/login/", {"email": user.email, "password": "wrong-guess"})


def _link_path(email: OutboundEmail) -> str:
    return re.search(r"https?://[^/\s]+(/account/login-link/\S+/)", email.body_text)[1]


def test_a_locked_out_owner_logs_in_once_with_the_emailed_link(client):
    owner = UserFactory(email="owner@example.com")
    _lock_out(client, owner)

    locked = client.post(
        "/account/login/", {"email": owner.email, "password": "right-or-not"}
    )
    sent = client.post("/account/login-link/", {"email": "OWNER@example.com"})
    email = OutboundEmail.objects.get(template="account_login_link")
    link = _link_path(email)
    confirm = client.get(link)
    logged_in = client.post(link)
    client.logout()
    again = client.post(link)

    assert locked.status_code == 429
    assert "/account/login-link/" in locked.content.decode()
    assert sent.status_code == 200
    assert "a login link is on its way" in sent.content.decode()
    assert email.to == "owner@example.com"
    assert confirm.status_code == 200
    assert SESSION_KEY not in client.session
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/"
    assert again.status_code == 400
    assert "not valid" in again.content.decode()


def test_a_locked_out_seller_lands_in_the_admin(client, seller):
    client.post("/admin/login/", {"username": seller.email, "password": "x"})
    client.post("/admin/login/", {"username": seller.email, "password": "y"})

    locked = client.post("/admin/login/", {"username": seller.email, "password": "z"})
    client.post("/account/login-link/", {"email": seller.email})
    link = _link_path(OutboundEmail.objects.get(template="account_login_link"))
    response = client.post(link)

    assert locked.status_code == 429
    assert "/account/login-link/" in locked.content.decode()
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post("/account/login-link/", {"email": "ghost@example.com"})

    assert response.status_code == 200
    assert "a login link is on its way" in response.content.decode()
    assert not OutboundEmail.objects.exists()


def test_a_login_link_does_not_reset_and_a_reset_link_does_not_log_in(client):
    owner = UserFactory()
    services.password_reset_request(email=owner.email)
    reset = OutboundEmail.objects.get(template="account_password_reset")
    uid, token = re.search(r"/account/reset/([^/]+)/([^/]+)/", reset.body_text).groups()

    response = client.post(f"/account/login-link/{uid}/{token}/")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def _work(request, email: str) -> list[tuple[str, str]]:
    """The statements a request ran, as (verb, table), savepoints left out."""
    with CaptureQueriesContext(connection) as queries:
        request(email=email)
    shapes = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            continue
        table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
        shapes.append((sql.split()[0], table[1] if table else ""))
    return shapes


@pytest.mark.parametrize(
    "request_mail", [services.password_reset_request, services.login_link_request]
)
def test_unknown_and_known_addresses_do_the_same_work(request_mail):
    known = UserFactory(email="known@example.com")

    for_known = _work(request_mail, known.email)
    for_unknown = _work(request_mail, "unknown@example.com")

    assert for_unknown == for_known
    assert ("INSERT", "shop_outboundemail") in for_unknown
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [known.email]
