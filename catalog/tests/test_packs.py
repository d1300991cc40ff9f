from decimal import Decimal

import pytest

from catalog.packs import PackMeasure, pack_measure, unit_price


@pytest.mark.parametrize(
    ("label", "measure"),
    [
        ("500 g", PackMeasure(Decimal("0.5"), "kg")),
        ("1 kg", PackMeasure(Decimal("1"), "kg")),
        ("5kg", PackMeasure(Decimal("5"), "kg")),
        ("200 ml", PackMeasure(Decimal("0.2"), "l")),
        ("2 x 1 l", PackMeasure(Decimal("2"), "l")),
        ("1.5 Ltr", PackMeasure(Decimal("1.5"), "l")),
        ("6 pcs", None),
        ("1 dozen", None),
        ("", None),
    ],
)
def test_pack_labels_are_read_in_kilograms_or_litres(label, measure):
    assert pack_measure(label) == measure


def test_the_price_per_kilogram_compares_pack_sizes():
    assert unit_price(price=Decimal("30"), label="500 g") == (Decimal("60.00"), "kg")
    assert unit_price(price=Decimal("28"), label="500 ml") == (Decimal("56.00"), "l")
    assert unit_price(price=Decimal("60"), label="1 dozen") is None
