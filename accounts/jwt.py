"""The shop's JWTs: refresh tokens know their family, access tokens a version.

A refresh token carries `fam`, the id of the login it descends from: every
rotation keeps it, so a reused (already rotated) refresh token names the
family to revoke (`services.refresh_token_family_revoke`). An access token
carries `ver`, the user's `token_version` when it was made; every API
request compares it with the user's current one, so logout, a password
change or reset and the admin's "log out everywhere" end the access tokens
already handed out, not only the refresh tokens.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User

FAMILY_CLAIM = "fam"
VERSION_CLAIM = "ver"
REVOKED_MESSAGE = "This token was revoked: log in again."


class ShopRefreshToken(RefreshToken):
    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[FAMILY_CLAIM] = token[api_settings.JTI_CLAIM]
        return token

    @property
    def access_token(self):
        access = super().access_token
        user_id = self[api_settings.USER_ID_CLAIM]
        access[VERSION_CLAIM] = (
            User.objects.filter(pk=user_id)
            .values_list("token_version", flat=True)
            .first()
        )
        return access


def token_family(payload: dict) -> str:
    """Return the family of a refresh token's payload; the first one is its own."""
    return payload.get(FAMILY_CLAIM) or payload[api_settings.JTI_CLAIM]


class VersionedJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication; an access token of an older version is 401."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get(VERSION_CLAIM, 0) != user.token_version:
            raise InvalidToken(REVOKED_MESSAGE)
        return user


class VersionedJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of the authentication above: simplejwt's."""

    target_class = VersionedJWTAuthentication
