import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages

from accounts.forms import LOGIN_FAILED_MESSAGE
from accounts.tests.factories import PASSWORD, UserFactory
from catalog.tests.factories import ProductVariantFactory
from orders.models import Cart, CartLine
from orders.tests.factories import ServiceAreaFactory

LOGIN = "/account/login/"


def logged_in_id(client):
    return client.session.get(SESSION_KEY)


@pytest.mark.django_db
def test_the_login_page_has_a_labelled_form_with_csrf(client):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_email"' in html
    assert '<label for="id_password"' in html
    assert 'href="/account/password-reset/"' in html


@pytest.mark.django_db
def test_login_with_the_right_password_starts_a_session(client, user):
    response = client.post(LOGIN, {"email": user.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_id(client) == str(user.pk)


@pytest.mark.django_db
def test_login_redirects_to_a_safe_next(client, user):
    response = client.post(
        LOGIN, {"email": user.email, "password": PASSWORD, "next": "/orders/"}
    )

    assert response["Location"] == "/orders/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_login_ignores_a_next_that_leaves_the_site(client, user, target):
    response = client.post(
        LOGIN, {"email": user.email, "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["/orders/\r\nSet-Cookie: a=b", "/orders/\x00", "/orders/\u2028x"]
)
def test_login_ignores_a_next_with_a_control_character(client, user, target):
    # The same check as every other form's: `shop.redirects.safe_next`.
    response = client.post(
        LOGIN, {"email": user.email, "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_id(client) == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_get_the_same_answer(client, user):
    wrong = client.post(LOGIN, {"email": user.email, "password": "not-it-123"})
    unknown = client.post(
        LOGIN, {"email": "nobody@example.com", "password": "not-it-123"}
    )

    assert wrong.status_code == unknown.status_code == 400
    assert LOGIN_FAILED_MESSAGE in wrong.content.decode()
    assert LOGIN_FAILED_MESSAGE in unknown.content.decode()
    wrong_form = wrong.context["form"]
    unknown_form = unknown.context["form"]
    assert wrong_form.errors == unknown_form.errors
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_an_inactive_account_gets_the_same_answer(client):
    inactive = UserFactory(is_active=False)

    response = client.post(LOGIN, {"email": inactive.email, "password": PASSWORD})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [LOGIN_FAILED_MESSAGE]
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_a_malformed_email_is_a_clear_error(client):
    response = client.post(LOGIN, {"email": "not-an-email", "password": "x"})

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_login_needs_the_csrf_token(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN, {"email": user.email, "password": PASSWORD})

    assert response.status_code == 403
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_login_merges_the_visitor_cart_and_tells_what_changed(client, user):
    scarce = ProductVariantFactory(stock=2)
    plenty = ProductVariantFactory(stock=50)
    # The user's own cart already holds one of the scarce item.
    CartLine.objects.create(
        cart=Cart.objects.create(user=user), variant=scarce, quantity=1
    )
    # The visitor sets a served PIN code (the test store's), then adds.
    client.post("/delivery/area/", {"postal_code": ServiceAreaFactory().postal_code})
    client.post("/cart/add/", {"variant": scarce.pk, "quantity": 2, "next": "/"})
    client.post("/cart/add/", {"variant": plenty.pk, "quantity": 1, "next": "/"})
    visitor_key = client.session.session_key
    assert Cart.objects.filter(session_key=visitor_key).exists()

    response = client.post(
        LOGIN, {"email": user.email, "password": PASSWORD}, follow=True
    )

    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("from before you logged in are in your cart" in n for n in notes)
    assert any(f"Only 2 of {scarce.product.name}" in n for n in notes)
    lines = dict(
        CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity")
    )
    assert lines == {scarce.pk: 2, plenty.pk: 1}
    assert not Cart.objects.filter(session_key=visitor_key).exists()


@pytest.mark.django_db
def test_login_rotates_the_session_key(client, user):
    client.get("/cart/")
    client.post("/cart/add/", {"variant": ProductVariantFactory().pk, "quantity": 1})
    before = client.session.session_key

    client.post(LOGIN, {"email": user.email, "password": PASSWORD})

    assert client.session.session_key != before


@pytest.mark.django_db
def test_logout_needs_a_post_and_ends_the_session(client, user):
    client.force_login(user)

    page = client.get("/account/logout/")
    assert page.status_code == 200
    assert logged_in_id(client) == str(user.pk)

    response = client.post("/account/logout/")

    assert response.status_code == 302
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_an_empty_login_post_says_what_is_missing(client):
    response = client.post("/account/login/", {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_login_promises_delivery_to_the_default_address(client, user):
    from accounts.tests.factories import AddressFactory
    from orders.tests.factories import ServiceAreaFactory

    ServiceAreaFactory(postal_code="560001")
    AddressFactory(user=user, postal_code="560001", is_default=True)

    client.post(LOGIN, {"email": user.email, "password": PASSWORD})

    home = client.get("/").content.decode()
    assert "Delivery in about 10 minutes" in home
    assert "560001" in home
    assert "Set your PIN code" not in home


@pytest.mark.django_db
def test_login_keeps_a_pin_code_chosen_before(client, user):
    from accounts.tests.factories import AddressFactory
    from orders.selectors import SESSION_POSTAL_CODE_KEY
    from orders.tests.factories import ServiceAreaFactory

    ServiceAreaFactory(postal_code="560001")
    ServiceAreaFactory(postal_code="560034", name="Koramangala")
    AddressFactory(user=user, postal_code="560001", is_default=True)
    client.post("/delivery/area/", {"postal_code": "560034"})

    client.post(LOGIN, {"email": user.email, "password": PASSWORD})

    assert client.session[SESSION_POSTAL_CODE_KEY] == "560034"
