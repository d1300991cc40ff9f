"""The payments API: starting a payment, and Stripe's webhook."""
