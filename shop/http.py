"""What every view of the shop answers the same way: where `next` may lead."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """Return the request's `next` if it is a printable URL on this site, else fallback.

    Every form that redirects to `next` uses this one check: a target on
    another host, with another scheme, or holding a control character (a
    newline that would split the Location header, say) is refused.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return target
    return fallback
