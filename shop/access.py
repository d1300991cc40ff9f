"""Who may see what, in one vocabulary for every app.

A *seller* is staff in the Sellers group (`User.is_seller`) and sees only
their own products and order lines. *Store staff* are staff who work at one
dark store (a `StoreStaff` row, reached as `user.store_staff`, which the
orders app defines) and see only that store's orders, shelf, slots and areas.
*Shop staff* are active staff who are neither and see everything. A shopper
sees only their own rows; the apps' selectors answer "the user's order (or
address) or None", and views turn None into 404.
"""


def user_is_seller(user) -> bool:
    """Return whether the user is a seller, who sees only their own rows."""
    return bool(getattr(user, "is_seller", False))


def user_store_id(user) -> int | None:
    """Return the one store a store-staff user sees, or None for anyone else.

    Superusers are never narrowed to a store. The relation is read once per
    user object (Django caches it, an absent row too).
    """
    if not (
        getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    ) or getattr(user, "is_superuser", False):
        return None
    works_at = getattr(user, "store_staff", None)
    return works_at.store_id if works_at is not None else None


def user_is_store_staff(user) -> bool:
    """Return whether the user works at one store and sees only its rows."""
    return user_store_id(user) is not None


def user_is_shop_staff(user) -> bool:
    """Return whether the user is active staff who sees all: no seller, no store."""
    return (
        bool(
            getattr(user, "is_authenticated", False)
            and user.is_active
            and user.is_staff
        )
        and not user_is_seller(user)
        and not user_is_store_staff(user)
    )


def user_is_shop_staff_with(user, permission: str) -> bool:
    """Return whether the user is shop staff holding `permission`."""
    return user_is_shop_staff(user) and user.has_perm(permission)
