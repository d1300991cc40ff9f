import pytest

from accounts.models import Address
from accounts.tests.factories import AddressFactory

ADDRESS = {
    "label": "Work",
    "name": "Asha Rao",
    "phone": "98765 43210",
    "line1": "4th Floor, 80 Feet Road",
    "line2": "Koramangala",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560034",
    "country": "IN",
}


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_address_book_lists_only_my_addresses(logged_in, user, other_user):
    mine = AddressFactory(user=user, label="Mine", is_default=True)
    AddressFactory(user=other_user, label="Theirs", line1="Secret Lane")

    response = logged_in.get("/account/addresses/")

    html = response.content.decode()
    assert response.status_code == 200
    assert mine.line1 in html
    assert "Secret Lane" not in html


@pytest.mark.django_db
def test_the_address_book_needs_a_login(client):
    response = client.get("/account/addresses/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.mark.django_db
def test_adding_the_first_address_makes_it_the_default(logged_in, user):
    response = logged_in.post("/account/addresses/add/", ADDRESS)

    assert response.status_code == 302
    address = Address.objects.get(user=user)
    assert address.is_default
    assert address.phone == "+919876543210"
    assert address.postal_code == "560034"


@pytest.mark.django_db
def test_adding_returns_to_a_safe_next(logged_in):
    response = logged_in.post(
        "/account/addresses/add/", {**ADDRESS, "next": "/checkout/"}
    )

    assert response["Location"] == "/checkout/"


@pytest.mark.django_db
def test_adding_ignores_a_next_with_a_newline(logged_in):
    response = logged_in.post(
        "/account/addresses/add/", {**ADDRESS, "next": "/checkout/\nx"}
    )

    assert response["Location"] == "/account/addresses/"
    assert Address.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postal_code", "5600"),
        ("postal_code", "ABCDEF"),
        ("phone", "12345"),
        ("country", "US"),
        ("line1", ""),
    ],
)
def test_bad_address_input_is_refused_and_stores_nothing(logged_in, field, value):
    response = logged_in.post("/account/addresses/add/", {**ADDRESS, field: value})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_editing_an_address(logged_in, user):
    address = AddressFactory(user=user, is_default=True)

    response = logged_in.post(
        f"/account/addresses/{address.pk}/edit/", {**ADDRESS, "city": "Mysuru"}
    )

    assert response.status_code == 302
    address.refresh_from_db()
    assert address.city == "Mysuru"
    assert address.is_default


@pytest.mark.django_db
def test_make_default_flips_the_default(logged_in, user):
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)

    response = logged_in.post(f"/account/addresses/{second.pk}/default/")

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


@pytest.mark.django_db
def test_deleting_asks_first_then_deletes(logged_in, user):
    address = AddressFactory(user=user, is_default=True)

    page = logged_in.get(f"/account/addresses/{address.pk}/delete/")
    response = logged_in.post(f"/account/addresses/{address.pk}/delete/")

    assert page.status_code == 200
    assert "Delete this address?" in page.content.decode()
    assert response.status_code == 302
    assert not Address.objects.filter(pk=address.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "edit/"),
        ("post", "edit/"),
        ("get", "delete/"),
        ("post", "delete/"),
        ("post", "default/"),
    ],
)
def test_another_users_address_is_404_and_untouched(
    logged_in, other_user, method, suffix
):
    theirs = AddressFactory(user=other_user, is_default=False, city="Chennai")

    response = getattr(logged_in, method)(
        f"/account/addresses/{theirs.pk}/{suffix}", {**ADDRESS, "city": "Hacked"}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.city, theirs.is_default) == ("Chennai", False)


@pytest.mark.django_db
def test_a_huge_address_id_is_404(logged_in):
    response = logged_in.get(f"/account/addresses/{10**30}/edit/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_address_book_query_count_does_not_grow_with_addresses(
    logged_in, user, django_assert_num_queries
):
    AddressFactory.create_batch(12, user=user)

    with django_assert_num_queries(3):
        response = logged_in.get("/account/addresses/")

    assert response.content.decode().count("Make default") == 12
