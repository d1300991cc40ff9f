"""Every write of the orders app, one module per responsibility.

- `stock`: every move of stock and slot capacity, and the one rule for
  giving goods back (the only module that changes `stock` or `booked`).
- `cart`: cart lines, the line cap, and the cart as a page reads it.
- `status`: the one place an order's status changes.
- `delivery`: opening slots, and staff editing one.
- `placement`: turning a cart into an order.
- `cancellation`: the shopper's cancel and the payment timeout; above
  `orders.payments.services`, which sits below it and above `status`.

Callers import the module they need (`from orders.services.cart import
cart_line_add`); this package re-exports nothing, so importing one part
never imports the others.
"""
