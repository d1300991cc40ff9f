"""Live order tracking: order events kept per order and pushed over WebSockets.

`events` records each event beside the change it reports and publishes it
after commit; `consumers` serve `/ws/v1/...` to shoppers, API clients, store
staff and sellers; `layers` and `demo` are what `make run` needs without
Redis or a worker.
"""
