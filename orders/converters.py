from orders.selectors import ORDER_NUMBER_PATTERN


class DocumentNumberConverter:
    """Order and invoice numbers in URLs; anything else (NUL bytes, odd
    unicode, 500 characters) is a 404 before a view or a query sees it."""

    regex = ORDER_NUMBER_PATTERN.pattern

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
