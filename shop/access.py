"""Who may see what, in one vocabulary for every app.

A *seller* is staff in the Sellers group (`User.is_seller`) and sees only
their own products and order lines. *Shop staff* are active staff who are
not sellers and see everything. A shopper sees only their own rows; the
apps' selectors answer "the user's order (or address) or None", and views
turn None into 404.
"""


def user_is_seller(user) -> bool:
    """Return whether the user is a seller, who sees only their own rows."""
    return bool(getattr(user, "is_seller", False))


def user_is_shop_staff(user) -> bool:
    """Return whether the user is active staff who is not a seller: sees all."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    ) and not user_is_seller(user)


def user_is_shop_staff_with(user, permission: str) -> bool:
    """Return whether the user is shop staff holding `permission`."""
    return user_is_shop_staff(user) and user.has_perm(permission)
