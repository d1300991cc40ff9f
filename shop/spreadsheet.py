"""CSV cells that are safe to open in a spreadsheet, and read back as written."""

# Cells starting with these run as formulas in spreadsheets; cells that come
# from sellers' product names or staff's typing must not.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Return the value as CSV text a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    if text.startswith(CSV_FORMULA_STARTS):
        return "'" + text
    return text


def csv_cell_read(text: str) -> str:
    """Return the value `csv_cell` wrote, its guarding quote taken off."""
    text = text.strip()
    if text.startswith("'") and text[1:].startswith(CSV_FORMULA_STARTS):
        return text[1:]
    return text
