"""The signed tokens in account emails: verification, password reset, login link.

A verification token signs the user's id together with the email address it
was sent to, so a link sent before an email change cannot verify the new one.
Reset tokens are Django's: they change with the password, the last login and
the email, so each works once. Login-link tokens are made the same way under
their own salt, so a reset link cannot log in and a login link cannot reset.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.tokens import (
    PasswordResetTokenGenerator,
    default_token_generator,
)
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.errors import TokenInvalid
from accounts.models import User

_VERIFY_SALT = "accounts.email-verification"

VERIFY_EXPIRED_MESSAGE = "This verification link has expired. Ask for a new one."
VERIFY_INVALID_MESSAGE = "This verification link is not valid."
RESET_INVALID_MESSAGE = (
    "This password reset link is not valid: it was used already, it has "
    "expired, or it was copied incompletely. Ask for a new one."
)


def email_verification_token(*, user: User) -> str:
    """Return a signed token proving that `user.email` received it."""
    return signing.dumps(
        {"user": user.pk, "email": user.email}, salt=_VERIFY_SALT, compress=True
    )


def email_verification_token_read(token: str) -> tuple[int, str]:
    """Return (user id, email) from a token, or raise TokenInvalid."""
    try:
        payload = signing.loads(
            token,
            salt=_VERIFY_SALT,
            max_age=settings.ACCOUNT_EMAIL_VERIFICATION_MAX_AGE,
        )
    except signing.SignatureExpired as exc:
        raise TokenInvalid(VERIFY_EXPIRED_MESSAGE, code="token_expired") from exc
    except signing.BadSignature as exc:
        raise TokenInvalid(VERIFY_INVALID_MESSAGE) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise TokenInvalid(VERIFY_INVALID_MESSAGE)
    return payload["user"], str(payload.get("email", ""))


def password_reset_uid(*, user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def password_reset_user_id(uidb64: str) -> int | None:
    """Return the user id in a reset link's uid, or None when it is not one."""
    try:
        value = force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    # A bigint primary key has at most 19 digits.
    ok = value.isascii() and value.isdigit() and len(value) <= 18
    return int(value) if ok else None


def password_reset_token(*, user: User) -> str:
    return default_token_generator.make_token(user)


def password_reset_token_valid(*, user: User, token: str) -> bool:
    return default_token_generator.check_token(user, token)


LOGIN_LINK_INVALID_MESSAGE = (
    "This login link is not valid: it was used already, it has expired, or it "
    "was copied incompletely. Ask for a new one."
)


class _LoginLinkTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.login-link"


_login_link_tokens = _LoginLinkTokenGenerator()


def login_link_token(*, user: User) -> str:
    return _login_link_tokens.make_token(user)


def login_link_token_valid(*, user: User, token: str) -> bool:
    return _login_link_tokens.check_token(user, token)


def token_digest(token: str) -> str:
    """Return a short fingerprint of a token, for email keys (never the token)."""
    return hashlib.sha256(token.encode()).hexdigest()[:20]
