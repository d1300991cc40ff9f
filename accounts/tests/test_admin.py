import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.mark.django_db
def test_staff_can_revoke_a_users_api_tokens(client, staff_user, user, other_user):
    mine = RefreshToken.for_user(user)
    theirs = RefreshToken.for_user(other_user)
    client.force_login(staff_user)

    response = client.post(
        "/admin/accounts/user/",
        {"action": "revoke_api_tokens", "_selected_action": [user.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 refresh token(s) revoked." in response.content.decode()
    blacklisted = set(BlacklistedToken.objects.values_list("token__jti", flat=True))
    assert blacklisted == {mine["jti"]}
    assert theirs["jti"] not in blacklisted


@pytest.mark.django_db
def test_the_user_admin_page_opens_with_addresses(client, staff_user, user):
    from accounts.tests.factories import AddressFactory

    AddressFactory(user=user)
    client.force_login(staff_user)

    response = client.get(f"/admin/accounts/user/{user.pk}/change/")

    assert response.status_code == 200
    assert "Residency Road" in response.content.decode()
