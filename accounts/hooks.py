"""What a higher app does when a shopper logs in, or saves their default
address, on a page; wired from that app.

Accounts sits below catalog and orders and never imports them; an app
above registers a callable here in its `AppConfig.ready` (the orders app
merges the visitor's cart this way, and lets the shop's store follow the
default address), and the account views run them all.
"""

from collections.abc import Callable

# hook(request=..., user=..., visitor_session_key=...) -> messages for the shopper
AfterLogin = Callable[..., list[str]]

_after_login: list[AfterLogin] = []


def after_login_register(hook: AfterLogin) -> None:
    """Run `hook(request=, user=, visitor_session_key=)` after every page login."""
    if hook not in _after_login:
        _after_login.append(hook)


def after_login_run(*, request, user, visitor_session_key: str | None) -> list[str]:
    """Run the registered hooks in order; return their messages for the shopper."""
    notes: list[str] = []
    for hook in _after_login:
        notes.extend(
            hook(request=request, user=user, visitor_session_key=visitor_session_key)
        )
    return notes


# hook(request=..., address=...) -> None
DefaultAddressSaved = Callable[..., None]

_default_address_saved: list[DefaultAddressSaved] = []


def default_address_saved_register(hook: DefaultAddressSaved) -> None:
    """Run `hook(request=, address=)` after a page saves a user's default address."""
    if hook not in _default_address_saved:
        _default_address_saved.append(hook)


def default_address_saved_run(*, request, address) -> None:
    """Run the registered hooks when `address` (just saved) is the default."""
    if not address.is_default:
        return
    for hook in _default_address_saved:
        hook(request=request, address=address)
