"""The refusals of payments, each with its machine-readable code."""

from shop.errors import DomainError


class PaymentProviderError(DomainError):
    """Stripe could not be reached or refused the call; nothing was stored."""

    code = "payment_provider_unavailable"
    status_code = 503
