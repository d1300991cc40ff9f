"""Money: Decimal with two places everywhere, minor units only for Stripe."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# How every amount is stored: up to 9,999,999,999.99.
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}
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


CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


def _group_digits(whole: str, currency: str) -> str:
    """Group digits the way the currency's shoppers read them.

    Rupees go in lakhs and crores after the first thousand (12,34,567);
    other currencies in thousands (1,234,567).
    """
    if currency != "INR" or len(whole) <= 3:
        return f"{int(whole):,}"
    head, tail = whole[:-3], whole[-3:]
    pairs = []
    while len(head) > 2:
        head, pair = head[:-2], head[-2:]
        pairs.insert(0, pair)
    return ",".join([head, *pairs, tail])


def money_format(
    amount: Decimal | int | str, currency: str, *, exact: bool = False
) -> str:
    """Return the amount as a shopper reads it: ₹1,234 or ₹1,234.50.

    Whole amounts lose their ".00" unless `exact` (invoices, credit notes),
    which always shows two places.
    """
    value = quantize(amount)
    currency = currency.upper()
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    text = _group_digits(whole, currency)
    if exact or cents != "00":
        text = f"{text}.{cents}"
    return f"{sign}{symbol}{text}"
