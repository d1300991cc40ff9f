"""A store's shelf in the admin: its staff count it, sellers watch it, CSV sheets."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory
from orders.models import StoreStock
from orders.services.stock import store_stock_adjust
from orders.tests.factories import store_stock_set

pytestmark = pytest.mark.django_db

SHELVES = "/admin/orders/storestock/"
EXPORT = "/admin/orders/storestock/export/"
IMPORT = "/admin/orders/storestock/import/"


@pytest.fixture
def milk(here, there, seller):
    variant = ProductVariantFactory(
        product__name="Toned Milk",
        product__seller=seller,
        label="500 ml",
        sku="MLK-500",
        stock=0,
    )
    store_stock_set(variant=variant, quantity=10, store=here)
    store_stock_set(variant=variant, quantity=50, store=there)
    return variant


@pytest.fixture
def bread(here, there, other_seller):
    variant = ProductVariantFactory(
        product__name="Brown Bread",
        product__seller=other_seller,
        label="400 g",
        sku="BRD-400",
        stock=0,
    )
    store_stock_set(variant=variant, quantity=4, store=here)
    store_stock_set(variant=variant, quantity=8, store=there)
    return variant


def _shelf(store, variant) -> int:
    return StoreStock.objects.values_list("quantity", flat=True).get(
        store=store, variant=variant
    )


def _row(store, variant) -> StoreStock:
    return StoreStock.objects.get(store=store, variant=variant)


def _total(variant) -> int:
    return ProductVariant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def _sold(store, variant, units: int) -> None:
    """Units leaving the shelf while the count goes on, as a sale takes them."""
    store_stock_adjust(store_id=store.pk, variant_id=variant.pk, delta=-units)


def _sheet(rows, header=("store", "sku", "product", "size", "on_shelf", "counted")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(
        "count.csv", out.getvalue().encode(), content_type="text/csv"
    )


def _exported(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# WHO SEES WHICH SHELF


def test_store_staff_see_only_their_stores_shelf(client, picker, here, milk, bread):
    client.force_login(picker)

    response = client.get(SHELVES)

    rows = response.context["cl"].result_list
    assert sorted((r.store_id, r.variant.sku) for r in rows) == [
        (here.pk, "BRD-400"),
        (here.pk, "MLK-500"),
    ]


def test_another_stores_shelf_is_not_theirs_by_url(client, picker, there, milk):
    row = _row(there, milk)
    client.force_login(picker)

    page = client.get(f"{SHELVES}{row.pk}/change/")
    post = client.post(f"{SHELVES}{row.pk}/change/", {"seen": "50", "change_by": "-50"})
    lookup = client.get(SHELVES, {"store__id__exact": there.pk})

    assert (page.status_code, page["Location"]) == (302, "/admin/")
    assert (post.status_code, post["Location"]) == (302, "/admin/")
    assert lookup.status_code == 400
    assert _shelf(there, milk) == 50


def test_sellers_see_their_products_on_every_shelf_read_only(
    client, seller, here, there, milk, bread
):
    row = _row(there, milk)
    client.force_login(seller)

    listing = client.get(SHELVES)
    page = client.get(f"{SHELVES}{row.pk}/change/")
    post = client.post(f"{SHELVES}{row.pk}/change/", {"seen": "50", "change_by": "-5"})

    assert sorted((r.store.name, r.quantity) for r in listing.context["cl"].result_list
                  ) == [("Indiranagar", 10), ("Koramangala", 50)]  # fmt: skip
    assert page.status_code == 200
    assert 'name="change_by"' not in page.content.decode()
    assert post.status_code == 403
    assert client.get(f"{SHELVES}add/").status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert _shelf(there, milk) == 50


def test_shop_staff_see_every_shelf(client, staff_user, milk, bread):
    client.force_login(staff_user)

    response = client.get(SHELVES)

    assert response.context["cl"].result_count == 4


# A COUNT AS A DELTA


def test_the_change_page_shows_what_the_picker_saw(client, picker, here, milk):
    client.force_login(picker)

    response = client.get(f"{SHELVES}{_row(here, milk).pk}/change/")

    assert response.context["adminform"].form["seen"].value() == 10


def test_a_count_made_while_sales_went_on_keeps_the_sales(client, picker, here, milk):
    row = _row(here, milk)
    client.force_login(picker)
    _sold(here, milk, 3)

    response = client.post(
        f"{SHELVES}{row.pk}/change/", {"seen": "10", "change_by": "5"}, follow=True
    )

    assert _shelf(here, milk) == 12
    assert _total(milk) == 62
    assert (
        "While you counted, the shelf went from 10 to 7; with your +5 it has 12."
        in (response.content.decode())
    )


def test_a_count_below_zero_is_refused_with_both_numbers(client, picker, here, milk):
    row = _row(here, milk)
    client.force_login(picker)
    _sold(here, milk, 7)

    response = client.post(
        f"{SHELVES}{row.pk}/change/", {"seen": "10", "change_by": "-5"}
    )

    assert response.status_code == 200
    assert "The shelf has 3 now (you saw 10); it cannot lose 5." in (
        response.content.decode()
    )
    assert _shelf(here, milk) == 3


def test_a_picker_puts_a_new_size_on_their_own_shelf_by_sku(
    client, picker, here, there
):
    fresh = ProductVariantFactory(sku="GHEE-1L", stock=0)
    client.force_login(picker)

    response = client.post(
        f"{SHELVES}add/", {"sku": "GHEE-1L", "change_by": "6", "store": there.pk}
    )
    unknown = client.post(f"{SHELVES}add/", {"sku": "NOPE-1", "change_by": "6"})

    assert response.status_code == 302
    assert list(StoreStock.objects.filter(variant=fresh).values_list(
        "store_id", "quantity")) == [(here.pk, 6)]  # fmt: skip
    assert "No product size has the SKU NOPE-1." in unknown.content.decode()


# COUNT SHEETS: EXPORT


def test_the_export_is_the_pickers_store_only(client, picker, milk, bread):
    client.force_login(picker)

    response = client.get(EXPORT)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _exported(response) == [
        ["store", "sku", "product", "size", "on_shelf", "counted"],
        ["Indiranagar", "BRD-400", "Brown Bread", "400 g", "4", ""],
        ["Indiranagar", "MLK-500", "Toned Milk", "500 ml", "10", ""],
    ]


def test_the_export_follows_the_change_lists_search(client, staff_user, milk, bread):
    client.force_login(staff_user)

    response = client.get(EXPORT, {"q": "MLK"})

    assert [row[:2] for row in _exported(response)[1:]] == [
        ["Indiranagar", "MLK-500"],
        ["Koramangala", "MLK-500"],
    ]


def test_a_sellers_export_holds_only_their_products(client, seller, milk, bread):
    client.force_login(seller)

    response = client.get(EXPORT)

    assert [row[1] for row in _exported(response)[1:]] == ["MLK-500", "MLK-500"]


def test_the_export_costs_the_same_queries_for_any_number_of_shelves(
    client, picker, here, milk, django_assert_num_queries
):
    client.force_login(picker)
    client.get(EXPORT)

    # The user, its permissions (two), its store row, its groups (is it a
    # seller?), the change list's two counts, the shelves.
    with django_assert_num_queries(8):
        one = client.get(EXPORT)
    for n in range(5):
        store_stock_set(variant=ProductVariantFactory(stock=0), quantity=n, store=here)
    with django_assert_num_queries(8):
        six = client.get(EXPORT)

    assert (len(_exported(one)), len(_exported(six))) == (2, 7)


# COUNT SHEETS: IMPORT


def test_a_count_sheet_round_trip_keeps_the_sales_made_since(
    client, picker, here, there, milk, bread
):
    client.force_login(picker)
    sheet = _exported(client.get(EXPORT))
    # Counted: 8 milk (2 broken), bread as it was; 3 milk sold meanwhile.
    sheet[1][5], sheet[2][5] = "4", "8"
    _sold(here, milk, 3)
    upload = _sheet(sheet[1:], header=sheet[0])

    response = client.post(IMPORT, {"sheet": upload}, follow=True)

    assert (_shelf(here, milk), _shelf(here, bread)) == (5, 4)
    assert (_shelf(there, milk), _shelf(there, bread)) == (50, 8)
    assert (_total(milk), _total(bread)) == (55, 12)
    assert "Count applied: 2 rows counted, 1 shelves changed" in (
        response.content.decode()
    )


def test_an_uncounted_row_changes_nothing(client, picker, here, milk):
    client.force_login(picker)

    client.post(
        IMPORT, {"sheet": _sheet([["Indiranagar", "MLK-500", "", "", "10", ""]])}
    )

    assert _shelf(here, milk) == 10


def test_a_sheet_with_bad_rows_is_refused_whole_with_each_rows_error(
    client, picker, here, milk, bread
):
    client.force_login(picker)
    rows = [
        ["Indiranagar", "BRD-400", "", "", "4", "9"],  # good, yet not applied
        ["Indiranagar", "MLK-500", "", "", "10", "ten"],
        ["Indiranagar", "NOPE-1", "", "", "1", "2"],
        ["Koramangala", "BRD-400", "", "", "8", "1"],
        ["Indiranagar", "MLK-500", "", "", "-1", "3"],
        ["Indiranagar", "BRD-400", "", "", "4", "5"],
        ["", "MLK-500", "", "", "10", "999999"],
    ]

    response = client.post(IMPORT, {"sheet": _sheet(rows)})

    assert response.status_code == 200
    assert response.context["row_errors"] == [
        "Row 3 (MLK-500): counted is not a whole number: 'ten'.",
        "Row 4 (NOPE-1): no product size has this SKU.",
        "Row 5 (BRD-400): Koramangala is not your store.",
        "Row 6 (MLK-500): on_shelf must be between 0 and 100000, not -1.",
        "Row 7 (BRD-400): the shelf is on the sheet twice (first in row 2).",
        "Row 8 (MLK-500): counted must be between 0 and 100000, not 999999.",
    ]
    assert "Nothing was changed. 6 rows to fix:" in response.content.decode()
    assert (_shelf(here, milk), _shelf(here, bread)) == (10, 4)


def test_a_sheet_that_sales_outran_is_refused_whole(client, picker, here, milk, bread):
    client.force_login(picker)
    upload = _sheet([
        ["Indiranagar", "BRD-400", "", "", "4", "6"],
        ["Indiranagar", "MLK-500", "", "", "10", "1"],
    ])  # fmt: skip
    _sold(here, milk, 9)

    response = client.post(IMPORT, {"sheet": upload})

    assert response.context["row_errors"] == [
        "Row 3 (MLK-500): the shelf has 1 now, and the count takes away 9; sales "
        "since the export are more than the count allows. Export a new sheet and "
        "count again."
    ]
    assert (_shelf(here, milk), _shelf(here, bread)) == (1, 4)
    assert _total(bread) == 12


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\xff\xfe\x00bad",
         "The file is not UTF-8 text; save the sheet as CSV (UTF-8)."),
        (b"sku,counted\nMLK-500,3\n",
         "The sheet has no on_shelf column; export a sheet and fill in its counted "
         "column."),
    ],
)  # fmt: skip
def test_a_file_that_is_no_count_sheet_is_refused(
    client, picker, here, milk, content, error
):
    client.force_login(picker)
    upload = SimpleUploadedFile("count.csv", content, content_type="text/csv")

    response = client.post(IMPORT, {"sheet": upload})

    assert response.context["row_errors"] == [error]
    assert _shelf(here, milk) == 10


def test_shop_staff_count_any_store_named_on_the_sheet(
    client, staff_user, here, there, milk
):
    client.force_login(staff_user)
    upload = _sheet([
        ["Koramangala", "MLK-500", "", "", "50", "45"],
        ["Indiranagar", "MLK-500", "", "", "10", "12"],
    ])  # fmt: skip

    client.post(IMPORT, {"sheet": upload})

    assert (_shelf(here, milk), _shelf(there, milk)) == (12, 45)


def test_a_sheet_may_stock_a_size_the_shelf_lacked(client, picker, here):
    fresh = ProductVariantFactory(sku="=GHEE-1L", stock=0)
    client.force_login(picker)

    client.post(IMPORT, {"sheet": _sheet([["", "'=GHEE-1L", "", "", "0", "5"]])})

    assert _shelf(here, fresh) == 5
