"""Money: Decimal with two places everywhere, minor units only for Stripe."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# ISO 4217 currencies that Stripe counts without minor units.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "XOF", "XAF"})


def quantize(amount: Decimal | int | str) -> Decimal:
    """Return the amount rounded half-up to two decimal places."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Return the amount as Stripe's integer minor units ("499.50 INR" -> 49950)."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(quantize(amount).to_integral_value(rounding=ROUND_HALF_UP))
    return int(quantize(amount) * 100)


def from_minor_units(amount: int, currency: str) -> Decimal:
    """Return Stripe's integer minor units as a Decimal amount."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return quantize(amount)
    return quantize(Decimal(amount) / 100)
