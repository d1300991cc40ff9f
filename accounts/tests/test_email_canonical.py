"""Look-alike spellings of an address are that address: one limit, one account.

PostgreSQL's UPPER() folds ſ (U+017F) to S and ı (U+0131) to I, and so
does the login; the per-account limits, the password-reset limit and
sign-up uniqueness key on the same canonical form.
"""

import importlib

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from accounts.models import User, email_canonical
from accounts.tests.factories import PASSWORD, UserFactory
from shop.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tight_rates")]

LOOK_ALIKES = ["ſam@example.com", "SAM@EXAMPLE.COM", "ｓam@example.com"]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ſam@example.com", "sam@example.com"),
        ("kıran@example.com", "kiran@example.com"),
        ("ＳＡＭ@Example.com", "sam@example.com"),
        ("  Sam@Example.COM ", "sam@example.com"),
        ("Kelvin\u212a@example.com", "kelvink@example.com"),
    ],
)
def test_the_canonical_form_folds_what_the_login_folds(typed, canonical):
    assert email_canonical(typed) == canonical


def test_look_alikes_share_the_per_account_login_limit(client):
    UserFactory(email="sam@example.com")
    for n, typed in enumerate(LOOK_ALIKES[:2]):
        client.post(
            "/account/login/",
            {"email": typed, "password": "wrong"},
            REMOTE_ADDR=f"10.0.1.{n}",
        )

    right = client.post(
        "/api/v1/auth/token/",
        {"email": "sam@example.com", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="10.0.1.99",
    )

    assert right.status_code == 429


def test_a_look_alike_logs_in_to_the_one_account_it_spells(client):
    user = UserFactory(email="kiran@example.com")

    response = client.post(
        "/api/v1/auth/token/",
        {"email": "KIRAN@example.com".replace("I", "ı"), "password": PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert User.objects.get(email="kiran@example.com") == user


def test_a_look_alike_sign_up_on_the_page_signs_up_the_real_address(client):
    response = client.post(
        "/account/register/",
        {"email": "ſam@example.com", "name": "Not Sam", "password": "plum-kettle-77x"},
    )

    assert response.status_code == 302
    user = User.objects.get()
    # The account is the real address's: its link goes to the real owner,
    # who can take the address over with a password reset.
    assert user.email == "sam@example.com"
    assert OutboundEmail.objects.get(template="account_verify").to == "sam@example.com"


def test_a_look_alike_of_a_registered_address_is_taken_in_the_api():
    UserFactory(email="kiran@example.com")

    response = APIClient().post(
        "/api/v1/auth/register/",
        {
            "email": "kıran@example.com",
            "name": "Not Kiran",
            "password": "plum-77-kettle",
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert User.objects.count() == 1


def test_look_alikes_share_the_password_reset_limit_per_email():
    UserFactory(email="sam@example.com")
    answers = [
        APIClient()
        .post(
            "/api/v1/auth/password-reset/",
            {"email": typed},
            format="json",
            REMOTE_ADDR=f"10.0.2.{n}",
        )
        .status_code
        for n, typed in enumerate(LOOK_ALIKES)
    ]

    assert answers == [202, 202, 429]


def test_the_migration_canonicalises_and_never_merges_look_alikes(capsys):
    real = UserFactory(email="sam@example.com")
    look_alike = UserFactory(email="other@example.com")
    shouter = UserFactory(email="loud@example.com")
    # Rows as an older release stored them, past the model's save().
    User.objects.filter(pk=look_alike.pk).update(email="ſam@example.com")
    User.objects.filter(pk=shouter.pk).update(email="LOUD@Example.com")
    migration = importlib.import_module("accounts.migrations.0003_email_canonical")

    migration.emails_canonicalise(apps, schema_editor=None)

    emails = dict(User.objects.values_list("pk", "email"))
    assert emails == {
        real.pk: "sam@example.com",
        look_alike.pk: "ſam@example.com",
        shouter.pk: "loud@example.com",
    }
    assert f"user {look_alike.pk} keeps its address" in capsys.readouterr().out
