"""A store's shelf as a count sheet: exported as CSV, counted, imported back.

The sheet says what was on each shelf when it was exported (`on_shelf`);
staff fill in `counted`. Importing applies `counted - on_shelf` to each
shelf, so the sales made between export and import stay taken: a count
never types a total over them. Every row is checked before any shelf moves,
and `store_stock_counts_apply` moves them all or none.
"""

import csv
import io
from dataclasses import dataclass, field

from catalog.models import ProductVariant
from orders.stores.models import DarkStore
from shop.spreadsheet import csv_cell, csv_cell_read

COLUMNS = ["store", "sku", "product", "size", "on_shelf", "counted"]
REQUIRED_COLUMNS = ("sku", "on_shelf", "counted")
# A store holds a few thousand sizes; a sheet far larger is not a count.
MOST_ROWS = 20_000
MOST_BYTES = 2 * 1024 * 1024
# More than any one shelf holds; keeps a typo within the column's range.
MOST_UNITS = 100_000


def shelf_csv_write(*, shelves, out) -> None:
    """Write the shelves (StoreStock rows with store and variant) as a count sheet."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for shelf in shelves:
        variant = shelf.variant
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    shelf.store.name,
                    variant.sku,
                    variant.product.name,
                    variant.label,
                    shelf.quantity,
                    "",
                )
            ]
        )


def shelves_for_sheet(queryset):
    """Return the shelves in the order a picker walks the sheet: store, product."""
    return queryset.select_related("store", "variant__product").order_by(
        "store__name", "variant__product__name", "variant__label", "pk"
    )


@dataclass
class CountSheet:
    """What an imported sheet asks for, or why it cannot be applied."""

    deltas: dict = field(default_factory=dict)  # (store id, variant id) -> delta
    # (store id, variant id) -> (row number, SKU), to say which row a shelf is
    row_of: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    counted_rows: int = 0


def _whole_number(text: str, column: str, *, blank_ok: bool) -> tuple[int | None, str]:
    if text == "":
        return None, "" if blank_ok else f"{column} is empty"
    try:
        number = int(text)
    except ValueError:
        return None, f"{column} is not a whole number: {text!r}"
    if not 0 <= number <= MOST_UNITS:
        return None, f"{column} must be between 0 and {MOST_UNITS}, not {number}"
    return number, ""


def _text_of(upload) -> tuple[str, str]:
    if upload.size > MOST_BYTES:
        return "", f"The file is larger than {MOST_BYTES // (1024 * 1024)} MB."
    try:
        return upload.read().decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "The file is not UTF-8 text; save the sheet as CSV (UTF-8)."


def shelf_csv_read(*, upload, store_id: int | None) -> CountSheet:
    """Read and check a count sheet; return its deltas, or every row's error.

    `store_id` is the one store a store-staff user may count (rows of any
    other are refused); None lets the `store` column name any store.
    """
    sheet = CountSheet()
    text, problem = _text_of(upload)
    if problem:
        sheet.errors.append(problem)
        return sheet
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if store_id is None and "store" not in header:
        missing.insert(0, "store")
    if missing:
        sheet.errors.append(
            f"The sheet has no {', '.join(missing)} column; export a sheet and "
            "fill in its counted column."
        )
        return sheet
    rows = list(reader)
    if len(rows) > MOST_ROWS:
        sheet.errors.append(f"The sheet has more than {MOST_ROWS} rows.")
        return sheet
    _rows_check(sheet, rows, store_id=store_id)
    return sheet


def _rows_check(sheet: CountSheet, rows: list[dict], *, store_id: int | None) -> None:
    stores = {store.name: store.pk for store in DarkStore.objects.all()}
    skus = {csv_cell_read(row.get("sku") or "") for row in rows}
    variant_of = dict(
        ProductVariant.objects.filter(sku__in=skus).values_list("sku", "pk")
    )
    for number, row in enumerate(rows, start=2):
        problems, key, delta = _row_check(
            row, stores=stores, variant_of=variant_of, store_id=store_id
        )
        sku = csv_cell_read(row.get("sku") or "")
        if not problems and key in sheet.deltas:
            first = sheet.row_of[key][0]
            problems = [f"the shelf is on the sheet twice (first in row {first})"]
        if problems:
            sheet.errors.append(
                f"Row {number} ({sku or 'no SKU'}): {'; '.join(problems)}."
            )
        elif key is not None:
            sheet.deltas[key] = delta
            sheet.row_of[key] = (number, sku)
            sheet.counted_rows += 1


def _row_check(row: dict, *, stores, variant_of, store_id) -> tuple[list, tuple, int]:
    problems = []
    store_name = csv_cell_read(row.get("store") or "")
    row_store = stores.get(store_name) if store_name else store_id
    if row_store is None:
        problems.append(
            f"no store is named {store_name!r}" if store_name else "the store is empty"
        )
    elif store_id is not None and row_store != store_id:
        problems.append(f"{store_name} is not your store")
    sku = csv_cell_read(row.get("sku") or "")
    variant_id = variant_of.get(sku)
    if variant_id is None:
        problems.append("no product size has this SKU" if sku else "the SKU is empty")
    on_shelf, problem = _whole_number(
        (row.get("on_shelf") or "").strip(), "on_shelf", blank_ok=False
    )
    if problem:
        problems.append(problem)
    counted, problem = _whole_number(
        (row.get("counted") or "").strip(), "counted", blank_ok=True
    )
    if problem:
        problems.append(problem)
    if problems or counted is None:
        # A row left uncounted is no news: its shelf stays as it is.
        return problems, None, 0
    return [], (row_store, variant_id), counted - on_shelf
