import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import SELLERS_GROUP
from accounts.services import seller_grant


@pytest.mark.django_db
def test_the_sellers_group_has_no_permission_on_users_groups_or_permissions():
    group = Group.objects.get(name=SELLERS_GROUP)
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))

    assert apps == {"catalog", "orders"}
    assert not group.permissions.filter(
        content_type__app_label__in=["auth", "accounts", "token_blacklist", "admin"]
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ],
)
def test_a_seller_cannot_open_users_or_groups_in_the_admin(client, seller, url):
    client.force_login(seller)

    response = client.get(url)

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_seller_cannot_edit_their_own_account_in_the_admin(client, seller):
    client.force_login(seller)
    everything = Permission.objects.values_list("pk", flat=True)

    response = client.post(
        f"/admin/accounts/user/{seller.pk}/change/",
        {
            "email": seller.email,
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "on",
            "user_permissions": list(everything),
        },
    )

    assert response.status_code == 403
    seller.refresh_from_db()
    assert not seller.is_superuser
    assert seller.user_permissions.count() == 0


@pytest.mark.django_db
def test_a_seller_can_open_the_admin_index(client, seller):
    client.force_login(seller)

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_shopper_cannot_open_the_admin(client, user):
    client.force_login(user)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_seller_grant_makes_a_staff_seller_not_a_superuser(user):
    seller_grant(user=user)

    user.refresh_from_db()
    assert user.is_staff
    assert not user.is_superuser
    assert user.is_seller


@pytest.mark.django_db
def test_staff_without_superuser_cannot_grant_superuser_in_the_admin(client):
    from accounts.tests.factories import UserFactory

    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_user", "change_user"],
        )
    )
    client.force_login(manager)

    response = client.post(
        f"/admin/accounts/user/{manager.pk}/change/",
        {
            "email": manager.email,
            "name": "Manager",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "10:00:00",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.name == "Manager"
    assert not manager.is_superuser
