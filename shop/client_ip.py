"""The client's address, as every rate limit counts it (RATELIMIT_IP_META_KEY).

Behind the proxy, REMOTE_ADDR is the proxy's own address for every shopper.
X-Forwarded-For names the client, but anyone can send that header, so it is
read only when REMOTE_ADDR is one of SHOP_TRUSTED_PROXIES; then the address
is the right-most entry that is not itself a trusted proxy (entries on the
left were written by the client and prove nothing).
"""

import functools
import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """Return the address of the client that sent `request`."""
    remote = request.META["REMOTE_ADDR"]
    networks = _networks(tuple(settings.SHOP_TRUSTED_PROXIES))
    remote_address = _address(remote)
    if remote_address is None or not _trusted(remote_address, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _address(entry)
        if address is None:
            # A malformed entry: nothing left of it can be believed.
            break
        if not _trusted(address, networks):
            return str(address)
    return remote
