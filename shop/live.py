"""Serve the live WebSockets (`orders/live/`): `python -m shop.live --port 8001`.

One home for how the ASGI process runs, for compose's `live` service, the
tests' server and `make bench`: uvicorn with the sans-I/O `websockets`
protocol on uvloop, and no per-message compression, which cost each socket
a deflate of every event for messages of a few hundred bytes
(docs/decisions/0005-uvicorn-for-websockets.md has the figures; shop.asgi
keeps the loaded application out of the garbage collector). Behind the
proxy it trusts the forwarded client address, as gunicorn does.
"""

import argparse
import gc

import uvicorn

# A thousand sockets are some 180,000 objects the collector tracks; a full
# collection walks them all, 100 ms on the bench machine, while every event
# waits (make bench: the one slow change in 40). Young collections after
# 50,000 new objects rather than 700, and a full one after 100 middle ones
# rather than 10, keep full collections out of a steady stream of events;
# what a closed socket leaves in cycles waits longer to be freed
# (docs/decisions/0005-uvicorn-for-websockets.md).
GC_THRESHOLDS = (50_000, 20, 100)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shop.live")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    gc.set_threshold(*GC_THRESHOLDS)
    uvicorn.run(
        "shop.asgi:application",
        host=args.host,
        port=args.port,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_ping_interval=20,
        loop="uvloop",
        proxy_headers=True,
        forwarded_allow_ips="*",
        access_log=False,
        log_level=args.log_level,
    )


if __name__ == "__main__":
    main()
