"""Money: Decimal with two places everywhere, minor units only for Stripe."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
# How every amount is stored: up to 9,999,999,999.99.
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}
CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}
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


def money_format(amount, currency: str | None = None) -> str:
    """Return an amount with its currency symbol: 1234.5 -> "₹1,234.50"."""
    if amount is None or amount == "":
        return ""
    currency = (currency or settings.SHOP_CURRENCY).upper()
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{Decimal(amount):,.2f}"
