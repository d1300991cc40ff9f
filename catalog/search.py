"""Product search: the expressions the indexes are built on, and the query words.

PostgreSQL matches with full text over the product's own columns (name, brand,
description), with trigram similarity on the name for typos, and with the
names of categories. The full-text document is a stored generated column,
`search_doc` (migration 0005), that PostgreSQL computes on every write, so a
saved product is searchable at once and ranking reads the stored vector
instead of rebuilding it per match. The trigram index (migration 0002) is an
expression index on the name. A test runs EXPLAIN to hold that both are used.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models.expressions import RawSQL

SEARCH_CONFIG = "english"
# Longer queries are cut here: nobody types more, and it bounds the work.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 8
FTS_INDEX_NAME = "catalog_product_search_doc"
TRIGRAM_INDEX_NAME = "catalog_product_name_trgm"

_TERM = re.compile(r"\w+", re.UNICODE)


def search_document() -> RawSQL:
    """Return the product row's stored, weighted text-search document (PostgreSQL).

    The column is not a model field (SQLite has none), hence the raw reference.
    """
    return RawSQL(
        '"catalog_product"."search_doc"', [], output_field=SearchVectorField()
    )


def search_text_normalize(text: str) -> str:
    """Return the query as searched: printable, single-spaced and length-capped."""
    # Control characters (NUL above all, which PostgreSQL refuses) become spaces.
    printable = "".join(
        " " if unicodedata.category(ch).startswith("C") else ch for ch in text or ""
    )
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH].strip()


def search_terms(text: str) -> list[str]:
    """Return the query's words (letters and digits only), at most a few."""
    return _TERM.findall(text.lower())[:SEARCH_MAX_TERMS]


def search_tsquery(terms: list[str]) -> SearchQuery:
    """Return a prefix query that needs every word: "amul mil" finds "Amul Milk".

    The words hold only letters, digits and underscores, none of which mean
    anything to to_tsquery, so the raw query cannot be malformed.
    """
    raw = " & ".join(f"{term}:*" for term in terms)
    return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)
