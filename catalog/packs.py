"""Pack sizes read from a variant's label ("500 g", "2 x 1 l", "6 pcs").

A shopper compares pack sizes by the price per kilogram or litre; search
reads a size typed with the words ("atta 5kg"). Both use `pack_measure`.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from shop.money import quantize

# Each unit a label may use, as (base unit, how many base units one is).
UNITS = {
    "kg": ("kg", Decimal(1)),
    "kgs": ("kg", Decimal(1)),
    "g": ("kg", Decimal("0.001")),
    "gm": ("kg", Decimal("0.001")),
    "gms": ("kg", Decimal("0.001")),
    "l": ("l", Decimal(1)),
    "ltr": ("l", Decimal(1)),
    "litre": ("l", Decimal(1)),
    "liter": ("l", Decimal(1)),
    "ml": ("l", Decimal("0.001")),
}
PACK_RE = re.compile(
    r"(?:(?P<count>\d+)\s*[x×]\s*)?(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>kgs?|gms?|g|ltr|litre|liter|l|ml)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PackMeasure:
    """How much a pack holds in its base unit: 0.5 kg, 2 l."""

    amount: Decimal
    unit: str


def pack_measure(label: str) -> PackMeasure | None:
    """Return what a pack label holds in kg or l, or None for counts ("6 pcs")."""
    match = PACK_RE.search(label or "")
    if match is None:
        return None
    unit, factor = UNITS[match["unit"].lower()]
    amount = Decimal(match["amount"]) * factor * int(match["count"] or 1)
    if amount <= 0:
        return None
    return PackMeasure(amount=amount.normalize(), unit=unit)


def unit_price(*, price: Decimal, label: str) -> tuple[Decimal, str] | None:
    """Return the price per kg or per l of a pack, or None when it has no weight."""
    measure = pack_measure(label)
    if measure is None:
        return None
    return quantize(price / measure.amount), measure.unit
