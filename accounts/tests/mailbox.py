"""Read the links out of the emails the accounts flows send (locmem outbox)."""

import re

from django.core import mail

STRONG_PASSWORD = "plum-kettle-harbour-77"


def link_from_outbox(path_prefix: str) -> str:
    """Return the path of the link starting with `path_prefix` in the last email."""
    body = mail.outbox[-1].body
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", body)
    assert match, body
    return match.group(1)


def verify_token_from_outbox() -> str:
    return link_from_outbox("/account/verify/").strip("/").split("/")[2]


def reset_parts_from_outbox() -> tuple[str, str]:
    parts = link_from_outbox("/account/reset/").strip("/").split("/")
    return parts[2], parts[3]
