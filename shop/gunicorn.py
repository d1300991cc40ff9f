"""gunicorn's settings in the image (`gunicorn -c python:shop.gunicorn`).

The proxy in front buffers whole requests and responses, so a sync worker
only ever waits on the shop itself, never on a slow client.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Requests waiting on PostgreSQL or Redis leave the core to another worker.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
# The slowest request is a payment start while Stripe does not answer: three
# tries of 20 s each (orders/payments/stripe.py) and their back-off.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 75))
graceful_timeout = 30
# The proxy keeps its connections to gunicorn open between requests.
keepalive = 5
# A worker is replaced now and then, so a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
