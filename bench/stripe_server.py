"""Serve the test suite's fake Stripe on loopback for a benchmark run.

Prints the server's URL on its first line, then serves until SIGTERM. The
shop reaches it through stripe-python with STRIPE_API_BASE set to that URL.
"""

import os
import signal
import threading

from orders.tests.fake_stripe import FakeStripeServer


def main() -> None:
    server = FakeStripeServer(api_key=os.environ["STRIPE_SECRET_KEY"]).start()
    print(server.url, flush=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stopping.wait()
    server.stop()


if __name__ == "__main__":
    main()
