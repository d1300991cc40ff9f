import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.forms import LOGIN_FAILED_MESSAGE
from accounts.tests.factories import PASSWORD, UserFactory

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"
COOKIE = "refresh_token"


def login(client, user, **extra):
    return client.post(
        TOKEN, {"email": user.email, "password": PASSWORD, **extra}, format="json"
    )


@pytest.mark.django_db
def test_email_and_password_give_an_access_and_a_refresh_token(api_client, user):
    response = api_client.post(
        TOKEN, {"email": user.email.upper(), "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api_client.get(ME).json()["email"] == user.email


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_get_the_same_401(api_client, user):
    wrong = api_client.post(
        TOKEN, {"email": user.email, "password": "nope-nope-1"}, format="json"
    )
    unknown = api_client.post(
        TOKEN, {"email": "ghost@example.com", "password": "nope-nope-1"}, format="json"
    )

    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "code": "invalid_credentials",
            "detail": LOGIN_FAILED_MESSAGE,
        }
    )
    assert wrong["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_an_inactive_account_gets_the_same_401(api_client):
    inactive = UserFactory(is_active=False)

    response = login(api_client, inactive)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": "x"},
        {"email": "a@example.com"},
        {"password": "x"},
        {},
    ],
)
def test_malformed_credentials_are_400(api_client, body):
    response = api_client.post(TOKEN, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]


@pytest.mark.django_db
def test_malformed_json_is_400(api_client):
    response = api_client.post(TOKEN, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_refresh_rotates_and_the_old_refresh_stops_working(api_client, user):
    first = login(api_client, user).json()["refresh"]

    rotated = api_client.post(REFRESH, {"refresh": first}, format="json")
    reused = api_client.post(REFRESH, {"refresh": first}, format="json")

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first
    assert reused.status_code == 401
    assert reused.json() == {
        "code": "token_not_valid",
        "detail": "Token is blacklisted",
    }


@pytest.mark.django_db
def test_a_reused_refresh_revokes_its_family_and_no_other_login(api_client, user):
    stolen = login(api_client, user).json()["refresh"]
    other_device = login(api_client, user).json()["refresh"]
    successor = api_client.post(REFRESH, {"refresh": stolen}, format="json").json()
    api_client.post(REFRESH, {"refresh": stolen}, format="json")

    after = api_client.post(REFRESH, {"refresh": successor["refresh"]}, format="json")
    elsewhere = api_client.post(REFRESH, {"refresh": other_device}, format="json")

    assert after.status_code == 401
    assert after.json()["code"] == "token_not_valid"
    assert elsewhere.status_code == 200


def _me(client, access: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")


@pytest.mark.django_db
def test_logout_ends_the_access_tokens_and_other_devices_refresh(api_client, user):
    this = login(api_client, user).json()
    other = login(api_client, user).json()
    assert _me(api_client, this["access"]).status_code == 200

    api_client.post(LOGOUT, {"refresh": this["refresh"]}, format="json")
    renewed = api_client.post(REFRESH, {"refresh": other["refresh"]}, format="json")

    assert _me(api_client, this["access"]).json() == {
        "code": "token_not_valid",
        "detail": "This token was revoked: log in again.",
    }
    assert _me(api_client, other["access"]).status_code == 401
    assert _me(api_client, renewed.json()["access"]).status_code == 200


@pytest.mark.django_db
def test_a_password_change_ends_every_access_token_but_the_new_one(api_client, user):
    old = login(api_client, user).json()["access"]

    changed = api_client.post(
        "/api/v1/me/password/",
        {"old_password": PASSWORD, "new_password": "plum-kettle-harbour-77"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {old}",
    )

    assert changed.status_code == 200
    assert _me(api_client, old).status_code == 401
    assert _me(api_client, changed.json()["access"]).status_code == 200


@pytest.mark.django_db
def test_an_access_token_is_not_a_refresh_token(api_client, user):
    access = login(api_client, user).json()["access"]

    response = api_client.post(REFRESH, {"refresh": access}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.django_db
def test_refresh_without_a_token_is_401(api_client):
    response = api_client.post(REFRESH, {}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_refresh_for_a_deleted_account_is_401(api_client):
    doomed = UserFactory()
    refresh = str(RefreshToken.for_user(doomed))
    get_user_model().objects.filter(pk=doomed.pk).delete()

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401


@pytest.mark.django_db
def test_logout_blacklists_the_refresh(api_client, user):
    refresh = login(api_client, user).json()["refresh"]

    response = api_client.post(LOGOUT, {"refresh": refresh}, format="json")

    assert response.status_code == 204
    jti = RefreshToken(refresh, verify=False)["jti"]
    assert BlacklistedToken.objects.filter(token__jti=jti).exists()
    assert (
        api_client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 401
    )


@pytest.mark.django_db
def test_logout_with_a_tampered_refresh_is_401(api_client, user):
    refresh = login(api_client, user).json()["refresh"]

    response = api_client.post(LOGOUT, {"refresh": refresh[:-2] + "xx"}, format="json")

    assert response.status_code == 401
    assert not BlacklistedToken.objects.exists()


# Cookie mode for browser SPAs


@pytest.mark.django_db
def test_cookie_mode_puts_the_refresh_in_a_strict_httponly_cookie(
    csrf_api_client, user
):
    response = login(csrf_api_client, user, refresh_in_cookie=True)

    assert response.status_code == 200
    assert set(response.json()) == {"access"}
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/v1/auth/"
    assert response.cookies["csrftoken"].value


@pytest.mark.django_db
def test_cookie_refresh_with_the_csrf_header_rotates_the_cookie(csrf_api_client, user):
    first = login(csrf_api_client, user, refresh_in_cookie=True).cookies[COOKIE].value
    csrf = csrf_api_client.cookies["csrftoken"].value

    response = csrf_api_client.post(REFRESH, {}, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 200
    assert set(response.json()) == {"access"}
    second = response.cookies[COOKIE].value
    assert second != first
    reused = csrf_api_client.post(
        REFRESH, {"refresh": first}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert reused.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "wrong-token-value-0123456789abcdef"])
def test_cookie_refresh_without_a_matching_csrf_header_is_403(
    csrf_api_client, user, header
):
    first = login(csrf_api_client, user, refresh_in_cookie=True).cookies[COOKIE].value
    extra = {"HTTP_X_CSRFTOKEN": header} if header else {}

    response = csrf_api_client.post(REFRESH, {}, format="json", **extra)

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    jti = RefreshToken(first, verify=False)["jti"]
    assert not BlacklistedToken.objects.filter(token__jti=jti).exists()


@pytest.mark.django_db
def test_cookie_logout_needs_csrf_then_clears_the_cookie(csrf_api_client, user):
    refresh = login(csrf_api_client, user, refresh_in_cookie=True).cookies[COOKIE].value
    csrf = csrf_api_client.cookies["csrftoken"].value

    refused = csrf_api_client.post(LOGOUT, {}, format="json")
    response = csrf_api_client.post(LOGOUT, {}, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert refused.status_code == 403
    assert response.status_code == 204
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
    jti = RefreshToken(refresh, verify=False)["jti"]
    assert BlacklistedToken.objects.filter(token__jti=jti).exists()


@pytest.mark.django_db
def test_password_reset_makes_every_refresh_token_fail(api_client, user):
    from accounts.services import password_reset_complete
    from accounts.tokens import password_reset_token, password_reset_uid

    pairs = [login(api_client, user).json() for _ in range(2)]
    user.refresh_from_db()  # logging in moved last_login, which reset tokens sign

    password_reset_complete(
        uidb64=password_reset_uid(user=user),
        token=password_reset_token(user=user),
        password="plum-kettle-harbour-77",
    )

    for pair in pairs:
        response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
        assert response.status_code == 401
        # The access tokens end with them, not minutes later.
        assert _me(api_client, pair["access"]).status_code == 401
