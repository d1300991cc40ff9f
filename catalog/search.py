"""Product search: the expressions the indexes are built on, and the query words.

PostgreSQL matches with full text over the product's own columns (name, brand,
description), with trigram similarity on the name for typos, and with the
names of categories. The full-text document is a stored generated column,
`search_doc` (migration 0005), that PostgreSQL computes on every write, so a
saved product is searchable at once and ranking reads the stored vector
instead of rebuilding it per match. The trigram index (migration 0002) is an
expression index on the name. A test runs EXPLAIN to hold that both are used.

Before any of that, the query's words pass through the staff's synonyms and
spellings (`SearchSynonym`: "aata" is searched as "atta"), and a pack size in
it ("atta 5kg") becomes a preference for that size instead of a word.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models.expressions import RawSQL

from catalog.packs import PACK_RE, pack_measure

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


@dataclass(frozen=True)
class SearchRewrite:
    """The words searched for a query, and the correction the shopper is shown."""

    text: str
    # The corrected query when a spelling was fixed ("Showing results for ..."),
    # else "".
    corrected: str = ""


def search_rewrite_with(text: str, rows: list[tuple[str, str, bool]]) -> SearchRewrite:
    """Rewrite whole words and phrases of the query by (term, replacement, spelling).

    Longer terms go first, so "cold drinks" wins over "cold drink".
    """
    lowered = text.lower()
    corrected = False
    for term, replacement, spelling in sorted(rows, key=lambda r: -len(r[0])):
        pattern = rf"(?<!\w){re.escape(term)}(?!\w)"
        rewritten = re.sub(pattern, replacement.lower(), lowered)
        if rewritten != lowered:
            lowered = rewritten
            corrected = corrected or spelling
    if lowered == text.lower():
        return SearchRewrite(text=text)
    return SearchRewrite(text=lowered, corrected=lowered if corrected else "")


def search_pack_split(text: str) -> tuple[str, list[str]]:
    """Split a pack size off the query: "atta 5kg" -> ("atta", ["5 kg", "5kg"]).

    The labels are the ways a variant's label may write that size; with no
    size, or nothing left but the size, the query stays as it is.
    """
    match = PACK_RE.search(text)
    if match is None:
        return text, []
    rest = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    measure = pack_measure(match.group(0))
    if not rest or measure is None:
        return text, []
    amount = measure.amount
    small = {"kg": "g", "l": "ml"}[measure.unit]
    if amount < 1:
        number, unit = f"{(amount * 1000).normalize():f}", small
    else:
        number, unit = f"{amount.normalize():f}", measure.unit
    return rest, [f"{number} {unit}", f"{number}{unit}"]
