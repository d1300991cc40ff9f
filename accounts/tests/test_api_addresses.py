import pytest

from accounts.models import Address
from accounts.tests.factories import AddressFactory

ADDRESSES = "/api/v1/me/addresses/"
BODY = {
    "label": "Home",
    "name": "Asha Rao",
    "phone": "98765 43210",
    "line1": "12 Residency Road",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560025",
}


def detail(address_id) -> str:
    return f"{ADDRESSES}{address_id}/"


@pytest.mark.django_db
def test_list_is_paginated_and_shows_only_mine(
    auth_api_client, user, other_user, django_assert_num_queries
):
    mine = [AddressFactory(user=user, is_default=i == 0) for i in range(3)]
    AddressFactory(user=other_user)

    with django_assert_num_queries(3):
        response = auth_api_client.get(ADDRESSES)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {row["id"] for row in body["results"]} == {a.pk for a in mine}
    assert body["results"][0]["id"] == mine[0].pk
    assert body["results"][0]["is_default"] is True


@pytest.mark.django_db
def test_create_the_first_address_makes_it_the_default(auth_api_client, user):
    response = auth_api_client.post(ADDRESSES, BODY, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["is_default"] is True
    assert body["phone"] == "+919876543210"
    assert body["country"] == "IN"
    assert Address.objects.get(pk=body["id"]).user == user


@pytest.mark.django_db
def test_create_as_default_flips_the_default(auth_api_client, user):
    old = AddressFactory(user=user, is_default=True)

    response = auth_api_client.post(
        ADDRESSES, {**BODY, "is_default": True}, format="json"
    )

    assert response.status_code == 201
    old.refresh_from_db()
    assert not old.is_default
    assert Address.objects.get(user=user, is_default=True).pk == response.json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postal_code": "5600"}, "postal_code"),
        ({"postal_code": "000001"}, "postal_code"),
        ({"phone": "+1 415 555 0100"}, "phone"),
        ({"country": "US"}, "country"),
        ({"line1": ""}, "line1"),
        ({"city": "c" * 101}, "city"),
        ({"is_default": "maybe"}, "is_default"),
    ],
)
def test_bad_address_input_is_400_and_stores_nothing(auth_api_client, change, field):
    response = auth_api_client.post(ADDRESSES, {**BODY, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_patch_changes_an_address(auth_api_client, user):
    address = AddressFactory(user=user, is_default=True)

    response = auth_api_client.patch(
        detail(address.pk), {"city": "Mysuru", "postal_code": "570 001"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["city"], response.json()["postal_code"]) == (
        "Mysuru",
        "570001",
    )


@pytest.mark.django_db
def test_patch_is_default_true_makes_it_the_default(auth_api_client, user):
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)

    response = auth_api_client.patch(
        detail(second.pk), {"is_default": True}, format="json"
    )

    assert response.status_code == 200
    first.refresh_from_db()
    assert not first.is_default
    assert response.json()["is_default"] is True


@pytest.mark.django_db
def test_the_default_cannot_be_unset(auth_api_client, user):
    address = AddressFactory(user=user, is_default=True)

    response = auth_api_client.patch(
        detail(address.pk), {"is_default": False, "city": "Pune"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "default_required"
    address.refresh_from_db()
    assert address.is_default
    assert address.city == "Bengaluru"


@pytest.mark.django_db
def test_delete_an_address(auth_api_client, user):
    address = AddressFactory(user=user)

    response = auth_api_client.delete(detail(address.pk))

    assert response.status_code == 204
    assert not Address.objects.filter(pk=address.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_users_address_is_404_and_untouched(
    auth_api_client, other_user, method
):
    theirs = AddressFactory(user=other_user, city="Chennai")

    response = getattr(auth_api_client, method)(
        detail(theirs.pk), {"city": "Hacked"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.city == "Chennai"


@pytest.mark.django_db
def test_put_is_not_allowed(auth_api_client, user):
    address = AddressFactory(user=user)

    response = auth_api_client.put(detail(address.pk), BODY, format="json")

    assert response.status_code == 405


@pytest.mark.django_db
def test_unknown_and_huge_ids_are_404(auth_api_client):
    assert auth_api_client.get(detail(999999)).status_code == 404
    assert auth_api_client.get(detail(10**30)).status_code == 404


@pytest.mark.django_db
def test_addresses_need_a_token(api_client):
    assert api_client.get(ADDRESSES).status_code == 401
    assert api_client.post(ADDRESSES, BODY, format="json").status_code == 401
    assert not Address.objects.exists()
