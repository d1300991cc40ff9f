"""`reverse()` for the URLs a page prints dozens of times, one slug apart."""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# What Django's `slug` path converter accepts.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_STAND_IN = "0slug0"


def reverse_slug(viewname: str, slug: str) -> str:
    """Return `reverse(viewname, kwargs={"slug": slug})`, without its cost.

    A listing prints a product URL for every card (home: 60 of them, plus
    its category tiles), and `reverse()` takes about 30 µs each. The URL is
    reversed once per view, script prefix and URLconf with a stand-in slug,
    then the slug goes in its place; a slug the converter refuses goes
    through `reverse()` itself, and fails as it does.
    """
    if not _SLUG.fullmatch(slug):
        return reverse(viewname, kwargs={"slug": slug})
    before, after = _around_slug(
        viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    return f"{before}{slug}{after}"


@functools.lru_cache(maxsize=64)
def _around_slug(viewname: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    # The prefix comes first, so the last stand-in is the slug's place.
    url = reverse(viewname, kwargs={"slug": _STAND_IN}, urlconf=urlconf)
    before, _, after = url.rpartition(_STAND_IN)
    return before, after
