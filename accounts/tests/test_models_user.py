import sys

import pytest
from django.db import IntegrityError

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Asha@Example.COM", "s3cret-pass-99", name="Asha")

    assert user.email == "asha@example.com"
    assert not hasattr(user, "username")
    assert User.USERNAME_FIELD == "email"
    assert user.check_password("s3cret-pass-99")
    assert not user.is_staff


@pytest.mark.django_db
def test_two_accounts_cannot_differ_only_in_case():
    UserFactory(email="dup@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="DUP@example.com")


@pytest.mark.django_db
def test_superuser_is_staff_and_superuser():
    admin = User.objects.create_superuser("boss@example.com", "pw-long-enough-1")
    assert admin.is_staff
    assert admin.is_superuser
    assert not admin.is_seller


@pytest.mark.django_db
def test_login_by_email_in_any_case(client):
    UserFactory(email="case@example.com")
    assert client.login(username="CASE@example.com", password=PASSWORD)


@pytest.mark.django_db
def test_seller_is_a_staff_user_in_the_sellers_group(seller, user):
    assert seller.is_seller
    assert not user.is_seller


@pytest.mark.django_db
def test_staff_can_add_a_user_in_the_admin(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "name": "New Person",
            "usable_password": "true",
            "password1": "a-long-pass-12345",
            "password2": "a-long-pass-12345",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").check_password("a-long-pass-12345")


@pytest.mark.django_db
def test_admin_lists_users(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/accounts/user/").status_code == 200


def test_argon2_is_the_first_hasher_outside_tests():
    base = sys.modules["shop.settings.base"]
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
