"""Dark stores: the shelves stock lives on, and the postal codes each serves.

Their models belong to the orders app (`app_label = "orders"`); stock on a
store's shelf moves only through `orders.services.stock`.
"""
