"""Writes to accounts: every change to a user or an address happens here."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts import selectors, tokens
from accounts.errors import (
    AlreadyVerified,
    DefaultAddressRequired,
    EmailTaken,
    TokenInvalid,
)
from accounts.jwt import token_family
from accounts.models import SELLERS_GROUP, Address, User, email_canonical
from shop.emails import email_queue
from shop.errors import NotFound
from shop.models import OutboundEmail


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_LOGINS = (
    DemoLogin("staff admin", "admin@freshcart.test", "admin-demo-123"),
    DemoLogin("seller", "seller@freshcart.test", "seller-demo-123"),
    DemoLogin("shopper", "shopper@freshcart.test", "shopper-demo-123"),
)


def seller_grant(*, user: User) -> User:
    """Make the user a seller: staff, in the Sellers group, never superuser."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=SELLERS_GROUP))
    return user


@transaction.atomic
def demo_accounts_ensure() -> list[DemoLogin]:
    """Create the demo admin, seller and shopper once; return their logins.

    Raise ImproperlyConfigured where SHOP_DEMO_ACCOUNTS is off (production):
    the demo passwords are published, so those accounts must never exist there.
    """
    if not settings.SHOP_DEMO_ACCOUNTS:
        raise ImproperlyConfigured(
            "Demo accounts are refused under these settings (SHOP_DEMO_ACCOUNTS "
            "is off): their passwords are published in the README."
        )
    admin, seller, shopper = DEMO_LOGINS
    now = timezone.now()
    if not User.objects.filter(email=admin.email).exists():
        User.objects.create_superuser(
            admin.email, admin.password, name="Asha Admin", email_verified_at=now
        )
    if not User.objects.filter(email=seller.email).exists():
        seller_grant(
            user=User.objects.create_user(
                seller.email,
                seller.password,
                name="Green Valley Farms",
                email_verified_at=now,
            )
        )
    if not User.objects.filter(email=shopper.email).exists():
        User.objects.create_user(
            shopper.email, shopper.password, name="Sam Shopper", email_verified_at=now
        )
    return list(DEMO_LOGINS)


ADDRESS_FIELDS = (
    "label",
    "name",
    "phone",
    "line1",
    "line2",
    "city",
    "state",
    "postal_code",
    "country",
)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def user_register(*, email: str, name: str, password: str) -> User:
    """Create a shopper account and queue the email that verifies its address.

    The password must have passed Django's validators already (the form or
    serializer reports their messages per field). Raise EmailTaken when the
    email is in use in any letter case.
    """
    email = email_canonical(email)
    if selectors.email_in_use(email=email):
        raise EmailTaken()
    try:
        # A savepoint, so that a concurrent sign-up's IntegrityError leaves
        # the outer transaction usable.
        with transaction.atomic():
            user = User.objects.create_user(email, password, name=name.strip())
    except IntegrityError as exc:
        raise EmailTaken() from exc
    email_verification_send(user=user)
    return user


@transaction.atomic
def email_verification_send(*, user: User) -> OutboundEmail:
    """Queue an email with a signed, expiring link that verifies `user.email`."""
    token = tokens.email_verification_token(user=user)
    max_age = settings.ACCOUNT_EMAIL_VERIFICATION_MAX_AGE
    return email_queue(
        key=f"account-verify:{user.pk}:{tokens.token_digest(token)}",
        to=user.email,
        subject=f"Confirm your email address for {settings.SHOP_NAME}",
        template="account_verify",
        context={
            "name": user.get_short_name(),
            "email": user.email,
            "verify_url": _absolute(reverse("accounts:verify", args=[token])),
            "valid_hours": max(1, max_age // 3600),
        },
    )


@transaction.atomic
def email_verification_resend(*, user: User) -> OutboundEmail:
    """Send a fresh verification link, or raise AlreadyVerified."""
    user = selectors.user_lock(user_id=user.pk)
    if user.email_verified:
        raise AlreadyVerified()
    return email_verification_send(user=user)


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the email in a verification token as verified; return its user.

    Raise TokenInvalid when the token is tampered or expired, or when the
    account's email has changed since the link was sent. Verifying twice is
    harmless.
    """
    user_id, email = tokens.email_verification_token_read(token)
    user = selectors.user_lock(user_id=user_id)
    if user is None or user.email != email_canonical(email):
        raise TokenInvalid(
            "This verification link was sent to an email address the account "
            "no longer uses."
        )
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


class _StandIn(Exception):
    """Unwinds the stand-in email of an address without an account."""


def _same_work_for_anyone(*, email: str, send) -> OutboundEmail | None:
    """Queue `send(user=...)` for the account with this email, if any.

    For an address without an active account the same email is rendered and
    recorded for a stand-in user inside a savepoint that is rolled back
    (with its after-commit task): the answer takes as long either way, so
    its timing tells nobody which emails have accounts.
    """
    user = selectors.user_by_email(email=email)
    if user is not None and user.has_usable_password():
        return send(user=user)
    stand_in = User(pk=0, email=email_canonical(email), password=make_password(None))
    try:
        with transaction.atomic():
            send(user=stand_in)
            raise _StandIn()
    except _StandIn:
        return None


def _password_reset_email(*, user: User) -> OutboundEmail:
    token = tokens.password_reset_token(user=user)
    uid = tokens.password_reset_uid(user=user)
    return email_queue(
        key=f"password-reset:{user.pk}:{tokens.token_digest(token)}",
        to=user.email,
        subject=f"Reset your {settings.SHOP_NAME} password",
        template="account_password_reset",
        context={
            "name": user.get_short_name(),
            "reset_url": _absolute(
                reverse("accounts:password_reset_confirm", args=[uid, token])
            ),
            "uid": uid,
            "token": token,
            "valid_minutes": max(1, settings.PASSWORD_RESET_TIMEOUT // 60),
        },
    )


@transaction.atomic
def password_reset_request(*, email: str) -> OutboundEmail | None:
    """Email a one-time reset link if an active account has this email.

    Return the queued email, or None when there is no such account; callers
    answer the same either way, and the work takes as long, so nobody
    learns which emails have accounts.
    """
    return _same_work_for_anyone(email=email, send=_password_reset_email)


def _login_link_email(*, user: User) -> OutboundEmail:
    token = tokens.login_link_token(user=user)
    uid = tokens.password_reset_uid(user=user)
    return email_queue(
        key=f"login-link:{user.pk}:{tokens.token_digest(token)}",
        to=user.email,
        subject=f"Your {settings.SHOP_NAME} login link",
        template="account_login_link",
        context={
            "name": user.get_short_name(),
            "login_url": _absolute(reverse("accounts:login_link", args=[uid, token])),
            "valid_minutes": max(1, settings.PASSWORD_RESET_TIMEOUT // 60),
        },
    )


@transaction.atomic
def login_link_request(*, email: str) -> OutboundEmail | None:
    """Email a one-time login link if an active account has this email.

    The way in for an owner whose account the per-account login limit has
    paused (anyone can pause it by guessing): the link proves the mailbox,
    as a reset link does. Answers like `password_reset_request`.
    """
    return _same_work_for_anyone(email=email, send=_login_link_email)


def login_link_user(*, uidb64: str, token: str) -> User:
    """Return the user a login link is for, or raise TokenInvalid.

    The link stops working once it is used (logging in moves last_login,
    which the token signs), after PASSWORD_RESET_TIMEOUT, and when the
    password changes.
    """
    user_id = tokens.password_reset_user_id(uidb64)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not tokens.login_link_token_valid(user=user, token=token):
        raise TokenInvalid(tokens.LOGIN_LINK_INVALID_MESSAGE)
    return user


def password_reset_user(*, uidb64: str, token: str) -> User:
    """Return the user a reset link is for, or raise TokenInvalid."""
    user_id = tokens.password_reset_user_id(uidb64)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or not tokens.password_reset_token_valid(user=user, token=token):
        raise TokenInvalid(tokens.RESET_INVALID_MESSAGE)
    return user


@transaction.atomic
def password_reset_complete(*, uidb64: str, token: str, password: str) -> User:
    """Set a new password through a reset link, once; end every other login.

    The user row is locked before the token is checked, so two requests with
    one link cannot both succeed: the first changes the password, and with it
    the token. Following the link proves the mailbox, so the email counts as
    verified.
    """
    user_id = tokens.password_reset_user_id(uidb64)
    user = selectors.user_lock(user_id=user_id) if user_id else None
    if (
        user is None
        or not user.is_active
        or not tokens.password_reset_token_valid(user=user, token=token)
    ):
        raise TokenInvalid(tokens.RESET_INVALID_MESSAGE)
    user.set_password(password)
    fields = ["password"]
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    user_tokens_revoke(user=user)
    _password_changed_notice(user=user)
    return user


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """Set a new password chosen by the signed-in user; end every other login.

    Other sessions end because the session hash changes with the password
    (the caller keeps its own with update_session_auth_hash); every refresh
    token the user holds is blacklisted.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    user_tokens_revoke(user=user)
    _password_changed_notice(user=user)
    return user


def _password_changed_notice(*, user: User) -> None:
    email_queue(
        key=f"password-changed:{user.pk}:{tokens.token_digest(user.password)}",
        to=user.email,
        subject=f"Your {settings.SHOP_NAME} password was changed",
        template="account_password_changed",
        context={
            "name": user.get_short_name(),
            "reset_url": _absolute(reverse("accounts:password_reset")),
        },
    )


def _blacklist(outstanding: list[OutstandingToken]) -> int:
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding],
        ignore_conflicts=True,
    )
    return len(outstanding)


def access_tokens_end(*, user_id: int) -> None:
    """End every access token of the user handed out so far (accounts/jwt.py)."""
    User.objects.filter(pk=user_id).update(token_version=F("token_version") + 1)


@transaction.atomic
def user_tokens_revoke(*, user: User) -> int:
    """End every access token and blacklist every live refresh token of the user.

    Return how many refresh tokens were blacklisted.
    """
    access_tokens_end(user_id=user.pk)
    return _blacklist(list(selectors.outstanding_tokens_live(user=user)))


@transaction.atomic
def refresh_token_family_revoke(*, reused: OutstandingToken) -> int:
    """Blacklist every live refresh token of the login that `reused` comes from.

    A refresh token presented after it was rotated has been copied: whoever
    holds its successor may be the thief, so the whole family stops working
    and its owner logs in again. Return how many tokens were blacklisted.
    """
    if reused.user_id is None:
        return 0
    family = token_family(token_backend.decode(reused.token, verify=False))
    live = selectors.outstanding_tokens_live(user=reused.user)
    return _blacklist(
        [
            token
            for token in live
            if token_family(token_backend.decode(token.token, verify=False)) == family
        ]
    )


@transaction.atomic
def profile_update(
    *,
    user: User,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> User:
    """Change the profile; a new email must be verified again.

    A changed email clears the verification, sends a link to the new address
    and a notice to the old one (so its owner notices a takeover). Raise
    EmailTaken when another account has the new email.
    """
    user = selectors.user_lock(user_id=user.pk)
    fields = []
    if name is not None and name.strip() != user.name:
        user.name = name.strip()
        fields.append("name")
    if phone is not None and phone != user.phone:
        user.phone = phone
        fields.append("phone")
    old_email = user.email
    new_email = email_canonical(email) if email is not None else old_email
    email_changed = new_email != old_email
    if email_changed:
        if selectors.email_in_use(email=new_email, exclude_user=user):
            raise EmailTaken()
        user.email = new_email
        user.email_verified_at = None
        fields += ["email", "email_verified_at"]
    if not fields:
        return user
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError as exc:
        raise EmailTaken() from exc
    if email_changed:
        email_verification_send(user=user)
        email_queue(
            key=f"email-changed:{user.pk}:{uuid.uuid4().hex}",
            to=old_email,
            subject=f"The email of your {settings.SHOP_NAME} account was changed",
            template="account_email_changed",
            context={
                "name": user.get_short_name(),
                "new_email": new_email,
                "reset_url": _absolute(reverse("accounts:password_reset")),
            },
        )
    return user


def _address_fields(data: dict) -> dict:
    return {field: data[field] for field in ADDRESS_FIELDS if field in data}


def _default_clear(*, user: User) -> None:
    Address.objects.filter(user=user, is_default=True).update(is_default=False)


@transaction.atomic
def address_create(*, user: User, data: dict, make_default: bool = False) -> Address:
    """Add an address to the user's book; the first one becomes the default."""
    selectors.user_lock(user_id=user.pk)
    has_default = selectors.address_default(user=user) is not None
    if make_default and has_default:
        _default_clear(user=user)
    return Address.objects.create(
        user=user, is_default=make_default or not has_default, **_address_fields(data)
    )


@transaction.atomic
def address_update(
    *, address: Address, data: dict, make_default: bool | None = None
) -> Address:
    """Change an address; `make_default=True` makes it the one default.

    Raise DefaultAddressRequired for `make_default=False` on the default:
    the book keeps a default while it has addresses.
    """
    selectors.user_lock(user_id=address.user_id)
    try:
        address.refresh_from_db()
    except Address.DoesNotExist as exc:
        # Deleted by a concurrent request after the caller loaded it.
        raise NotFound("That address was not found.") from exc
    if make_default is False and address.is_default:
        raise DefaultAddressRequired()
    for field, value in _address_fields(data).items():
        setattr(address, field, value)
    if make_default and not address.is_default:
        _default_clear(user=address.user)
        address.is_default = True
    address.save()
    return address


@transaction.atomic
def address_default_set(*, address: Address) -> Address:
    """Make this address the user's one default."""
    return address_update(address=address, data={}, make_default=True)


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; when it was the default, the newest other one is."""
    selectors.user_lock(user_id=address.user_id)
    was_default = Address.objects.filter(pk=address.pk, is_default=True).exists()
    Address.objects.filter(pk=address.pk).delete()
    if not was_default:
        return
    successor = selectors.address_list(user=address.user).first()
    if successor is not None:
        Address.objects.filter(pk=successor.pk).update(is_default=True)


def jwt_tokens_expired_delete() -> int:
    """Delete refresh tokens past their expiry, and their blacklist rows.

    An expired refresh token is refused on its expiry alone, so neither its
    outstanding row nor its blacklist row protects anything any more.
    """
    deleted, _ = OutstandingToken.objects.filter(
        expires_at__lte=timezone.now()
    ).delete()
    return deleted
