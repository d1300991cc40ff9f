"""The API's JSON parser: nesting too deep for Python is a 400, not a 500."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ShopJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json.loads recurses once per level: [[[[...]]]] 100,000 deep.
            raise ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from exc
