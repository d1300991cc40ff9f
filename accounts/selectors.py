"""Reads of accounts that matter, and every row lock the accounts services take."""

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts.models import Address, User, email_canonical
from shop.errors import NotFound


def user_by_email(*, email: str) -> User | None:
    """Return the active account whose address has this canonical form, or None."""
    return User.objects.filter(email=email_canonical(email), is_active=True).first()


def user_lock(*, user_id: int) -> User | None:
    """Lock one user row for the rest of the transaction; None when it is gone.

    Address changes lock the owner first, so two requests of one user that
    touch the default address run one after the other.
    """
    return User.objects.select_for_update().filter(pk=user_id).first()


def email_in_use(*, email: str, exclude_user: User | None = None) -> bool:
    """Return whether an account has this address, in any of its spellings."""
    queryset = User.objects.filter(email=email_canonical(email))
    if exclude_user is not None:
        queryset = queryset.exclude(pk=exclude_user.pk)
    return queryset.exists()


def address_list(*, user: User) -> QuerySet[Address]:
    """Return the user's address book, the default first, then the newest."""
    return Address.objects.filter(user=user).order_by(
        "-is_default", "-created_at", "-pk"
    )


def address_get_for_user(*, user: User, address_id: int) -> Address | None:
    """Return the user's address with this id, or None for anyone else's."""
    return Address.objects.filter(user=user, pk=address_id).first()


def address_of_user(*, user: User, address_id: int) -> Address:
    """Return the user's address with this id, or raise NotFound for any other."""
    address = address_get_for_user(user=user, address_id=address_id)
    if address is None:
        raise NotFound("That address was not found.")
    return address


def address_default(*, user: User) -> Address | None:
    return Address.objects.filter(user=user, is_default=True).first()


def outstanding_tokens_live(*, user: User) -> QuerySet[OutstandingToken]:
    """Return the user's refresh tokens that are unexpired and not blacklisted."""
    return OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).order_by("pk")


def outstanding_token_lock(*, jti: str) -> OutstandingToken | None:
    """Lock a refresh token's row so that two refreshes with it run in turn."""
    return OutstandingToken.objects.select_for_update().filter(jti=jti).first()


def token_blacklisted(*, token: OutstandingToken) -> bool:
    return BlacklistedToken.objects.filter(token=token).exists()
