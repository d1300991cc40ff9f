from decimal import Decimal

import pytest

from shop.money import money_format


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("60.00"), "₹60"),
        (Decimal("60.5"), "₹60.50"),
        (Decimal("1234.00"), "₹1,234"),
        (Decimal("123456.75"), "₹1,23,456.75"),
        (Decimal("12345678"), "₹1,23,45,678"),
        (Decimal("0"), "₹0"),
        (Decimal("-30"), "-₹30"),
    ],
)
def test_rupees_lose_their_paise_only_when_whole(amount, shown):
    assert money_format(amount, "INR") == shown


def test_exact_amounts_keep_two_places_for_invoices():
    assert money_format(Decimal("60"), "INR", exact=True) == "₹60.00"


def test_other_currencies_group_in_thousands():
    assert money_format(Decimal("1234567.5"), "usd") == "$1,234,567.50"
    assert money_format(Decimal("12"), "CHF") == "CHF 12"
