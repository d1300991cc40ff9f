"""The container health check: `python -m shop.probe [path]` exits 0 when the
shop answers 200 on that path (default `/healthz`).

It asks the way the proxy does, so the settings compose sets hold for it: the
Host header is the first of DJANGO_ALLOWED_HOSTS (a bare `localhost` would be
refused with 400) and `X-Forwarded-Proto: https` (plain HTTP is redirected).
"""

import http.client
import os
import sys


def probe_host() -> str:
    """Return a host name that DJANGO_ALLOWED_HOSTS accepts."""
    first = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    # ".example.com" allows example.com; "*" allows anything.
    return first.lstrip(".") if first not in {"", "*"} else "localhost"


def probe(path: str = "/healthz", *, address: str = "127.0.0.1:8000") -> int:
    """Return the status the shop answers at `address` for `path`, or 0."""
    connection = http.client.HTTPConnection(address, timeout=5)
    try:
        connection.request(
            "GET",
            path,
            headers={"Host": probe_host(), "X-Forwarded-Proto": "https"},
        )
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
    address = os.environ.get("PROBE_ADDRESS", "127.0.0.1:8000")
    sys.exit(0 if probe(path, address=address) == 200 else 1)
