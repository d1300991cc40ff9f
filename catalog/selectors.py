"""Reads of the catalogue that matter: the category tree, listings and search.

`product_list` is the one listing query: the category page, the search page
and the API all call it, so a filter or an ordering means the same everywhere.
Its products come with what a product card needs (`in_stock`, `price_from`,
the first thumbnail, the active variants) in two queries, whatever the count.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import (
    SearchRank,
    SearchVector,
    TrigramStrictWordSimilarity,
)
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Lower, RowNumber

from catalog.cards import CARD_FIELDS
from catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductVariant,
    Review,
    SearchSynonym,
    name_initials,
)
from catalog.search import (
    SEARCH_CONFIG,
    SearchRewrite,
    search_document,
    search_pack_split,
    search_rewrite_with,
    search_terms,
    search_text_normalize,
    search_tsquery,
)
from shop.reverse import reverse_slug

# Sort keys of listings, as the page's select and the API's `ordering` show them.
ORDERINGS = {
    "relevance": "Relevance",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "newest": "Newest first",
    "rating": "Top rated",
}

# CATEGORY TREE

# The tree is cached under a key that names a generation; a change to any
# category starts a new generation after its transaction commits. A reader
# that built the tree from data older than the change stored it under the old
# generation, which nobody reads again, so the cache cannot keep a stale tree.
CATEGORY_TREE_GENERATION_KEY = "catalog:category-tree:generation"
_CATEGORY_TREE_KEY = "catalog:category-tree:{generation}"
_CATEGORY_TREE_TIMEOUT = 24 * 3600


@dataclass(eq=False)
class CategoryNode:
    """An active category as the storefront shows it, with its children."""

    id: int
    name: str
    slug: str
    parent_id: int | None
    image: str
    depth: int
    # A default, so a tree pickled before the field existed still reads.
    thumbnail: str = ""
    children: list[CategoryNode] = field(default_factory=list, repr=False)

    def get_absolute_url(self) -> str:
        return reverse_slug("catalog:category", self.slug)

    @property
    def image_url(self) -> str:
        if not self.image:
            return ""
        return Category._meta.get_field("image").storage.url(self.image)

    @property
    def thumbnail_url(self) -> str:
        if not self.thumbnail:
            return ""
        return Category._meta.get_field("thumbnail").storage.url(self.thumbnail)

    @property
    def initials(self) -> str:
        return name_initials(self.name)

    def descendant_ids(self) -> list[int]:
        """Return this category's id and those of every category below it."""
        ids = [self.id]
        for child in self.children:
            ids.extend(child.descendant_ids())
        return ids


class CategoryTree:
    """The active categories; one whose parent is hidden is hidden too."""

    def __init__(self, rows: Iterable[tuple[int, str, str, int | None, str, str]]):
        # Whether every category of the shop is in the tree (none inactive,
        # none under an inactive one): then "in an active category" is no
        # filter at all, and a listing of the whole shop can leave it out.
        self.hides_none = False
        by_parent: dict[int | None, list[tuple]] = {}
        for row in rows:
            by_parent.setdefault(row[3], []).append(row)
        self._by_id: dict[int, CategoryNode] = {}
        self._by_slug: dict[str, CategoryNode] = {}
        self.roots = self._build(by_parent, parent_id=None, depth=0)

    def _build(self, by_parent, *, parent_id, depth) -> list[CategoryNode]:
        nodes = []
        for pk, name, slug, _parent, image, thumbnail in by_parent.get(parent_id, []):
            node = CategoryNode(
                pk, name, slug, parent_id, image or "", depth, thumbnail or ""
            )
            self._by_id[pk] = node
            self._by_slug[slug] = node
            node.children = self._build(by_parent, parent_id=pk, depth=depth + 1)
            nodes.append(node)
        return nodes

    def get(self, slug: str) -> CategoryNode | None:
        return self._by_slug.get(slug)

    def get_by_id(self, pk: int) -> CategoryNode | None:
        return self._by_id.get(pk)

    @property
    def all_ids(self) -> list[int]:
        return list(self._by_id)

    def path(self, node: CategoryNode) -> list[CategoryNode]:
        """Return the categories from the top one down to `node`."""
        path = [node]
        while path[0].parent_id is not None:
            path.insert(0, self._by_id[path[0].parent_id])
        return path

    def top_of(self, node: CategoryNode) -> CategoryNode:
        return self.path(node)[0]

    def __len__(self) -> int:
        return len(self._by_id)


# The last tree this process built or read, by its cache key: a request then
# reads only the generation from Redis, not the pickled tree. A new
# generation is a new key, so a kept tree is never one that went stale.
_tree_in_process: dict[str, CategoryTree] = {}
_REQUEST_TREE_ATTR = "_catalog_category_tree"


def _category_tree_build() -> CategoryTree:
    # Every category in one query (there are a few hundred at most): the
    # inactive ones only say whether the tree hides any.
    rows = list(
        Category.objects.order_by("position", "name", "id").values_list(
            "id", "name", "slug", "parent_id", "image", "thumbnail", "is_active"
        )
    )
    tree = CategoryTree([row[:6] for row in rows if row[6]])
    tree.hides_none = len(tree) == len(rows)
    return tree


def category_tree() -> CategoryTree:
    """Return the active category tree, from memory or the cache when there."""
    generation = cache.get(CATEGORY_TREE_GENERATION_KEY)
    if generation is None:
        cache.add(CATEGORY_TREE_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(CATEGORY_TREE_GENERATION_KEY)
    if generation is None:
        # The cache is unavailable: nothing could tell a kept tree is stale.
        return _category_tree_build()
    key = _CATEGORY_TREE_KEY.format(generation=generation)
    tree = _tree_in_process.get(key)
    if tree is not None:
        return tree
    tree = cache.get(key)
    if tree is None:
        tree = _category_tree_build()
        cache.set(key, tree, timeout=_CATEGORY_TREE_TIMEOUT)
    _tree_in_process.clear()
    _tree_in_process[key] = tree
    return tree


def category_tree_for(request) -> CategoryTree:
    """Return the category tree once per request, however many parts ask."""
    tree = getattr(request, _REQUEST_TREE_ATTR, None)
    if tree is None:
        tree = category_tree()
        setattr(request, _REQUEST_TREE_ATTR, tree)
    return tree


# PRODUCT LISTINGS


class ExistsPerRow(Exists):
    """`Exists`, answered for each outer row by the inner table's index.

    For "in stock" in a listing's sort, PostgreSQL otherwise builds a hash
    of every in-stock variant (or shelf row) of the shop, however few
    products the listing holds. `OFFSET 0` keeps it a subquery probed per
    row: a category page's ids 6.4 → 4.4 ms at 10,000 products, the same at
    300,000 (docs/performance.md, "Signed-in hits, listing SQL and URLs").
    Not for the sellable test in `products_sellable`: there the per-row
    probe lost at 300,000 products (a store's category 155 → 205 ms).
    SQLite reads it as written.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _variants_of_outer_product() -> QuerySet[ProductVariant]:
    return ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)


def _variants_buyable(store_id: int | None) -> QuerySet[ProductVariant]:
    """Return the outer product's active variants that can be bought now.

    At a store, those on its shelf; without one (no PIN code yet, or an API
    client that named none), those on any shelf.
    """
    variants = _variants_of_outer_product()
    if store_id is None:
        return variants.filter(stock__gt=0)
    # One filter() call, so both conditions hold for the same shelf row.
    return variants.filter(store_stock__store_id=store_id, store_stock__quantity__gt=0)


def _variants_with_shelf(variants, store_id: int | None) -> QuerySet[ProductVariant]:
    """Give each variant `shelf_quantity`, what the store has of it (0: none).

    Read by `ProductVariant.shelf_stock`; without a store nothing is added and
    the variant's shop-wide `stock` stands in.
    """
    if store_id is None:
        return variants
    return variants.alias(
        shelf=FilteredRelation(
            "store_stock", condition=Q(store_stock__store_id=store_id)
        )
    ).annotate(shelf_quantity=Coalesce("shelf__quantity", 0))


def active_variants_prefetch(*, store_id: int | None = None) -> Prefetch:
    """Prefetch a product's active variants, in shelf order, as `active_variants`,
    each with what `store_id`'s shelf holds of it when a store is given."""
    variants = ProductVariant.objects.filter(is_active=True).order_by(
        "position", "price", "id"
    )
    return Prefetch(
        "variants",
        queryset=_variants_with_shelf(variants, store_id),
        to_attr="active_variants",
    )


def products_for_cards(
    queryset: QuerySet[Product], *, store_id: int | None = None
) -> QuerySet[Product]:
    """Return the products with what `catalog/_product_card.html` shows.

    `in_stock`, `price_from` (the cheapest price that can be bought, else the
    cheapest) and `card_thumbnail` (the first picture's thumbnail) are
    columns of the product query; the active variants come in one more
    query. With `store_id`, "can be bought" means on that store's shelf.
    """
    first_thumbnail = (
        ProductImage.objects.filter(product=OuterRef("pk"))
        .order_by("position", "id")
        .values("thumbnail")[:1]
    )
    return queryset.annotate(
        in_stock=_in_stock(store_id),
        price_from=_price_from(store_id),
        card_thumbnail=Subquery(first_thumbnail, output_field=CharField()),
    ).prefetch_related(active_variants_prefetch(store_id=store_id))


def _in_stock(store_id: int | None) -> ExistsPerRow:
    return ExistsPerRow(_variants_buyable(store_id))


def _price_from(store_id: int | None) -> Subquery:
    in_stock_first = Q(stock__gt=0) if store_id is None else Q(shelf_quantity__gt=0)
    cheapest = (
        _variants_with_shelf(_variants_of_outer_product(), store_id)
        .order_by(
            Case(When(in_stock_first, then=Value(0)), default=Value(1)),
            "price",
            "position",
            "id",
        )
        .values("price")[:1]
    )
    return Subquery(cheapest)


def products_sellable(
    *, tree: CategoryTree | None = None, category: CategoryNode | None = None
) -> QuerySet[Product]:
    """Return products a shopper may see: active, in an active category, buyable.

    With `category` (a node of the active tree), only that category and those
    below it, all active by the tree's making.
    """
    sellable = Product.objects.filter(
        Exists(_variants_of_outer_product()), is_active=True
    )
    if category is not None:
        return sellable.filter(category_id__in=category.descendant_ids())
    tree = tree or category_tree()
    if getattr(tree, "hides_none", False):
        # A filter on every category id would only cost the planner a bitmap
        # of the whole catalogue to intersect (the rare search at 300k).
        return sellable
    return sellable.filter(category_id__in=tree.all_ids)


# Staff's synonyms and spellings, read once a few minutes per process pool;
# the admin drops the copy when it saves one.
SEARCH_SYNONYMS_KEY = "catalog:search-synonyms"
SEARCH_SYNONYMS_TIMEOUT = 300


def search_synonyms() -> list[tuple[str, str, bool]]:
    """Return the active (term, replacement, is a spelling) rows, cached."""
    rows = cache.get(SEARCH_SYNONYMS_KEY)
    if rows is None:
        rows = [
            (term, replacement, kind == SearchSynonym.Kind.SPELLING)
            for term, replacement, kind in SearchSynonym.objects.filter(
                is_active=True
            ).values_list("term", "replacement", "kind")
        ]
        cache.set(SEARCH_SYNONYMS_KEY, rows, SEARCH_SYNONYMS_TIMEOUT)
    return rows


def search_synonyms_forget() -> None:
    """Drop the cached synonyms, so the next search reads the table again."""
    cache.delete(SEARCH_SYNONYMS_KEY)


def search_rewrite(text: str) -> SearchRewrite:
    """Return what a query is searched as, after the synonyms and spellings."""
    text = search_text_normalize(text)
    if not text:
        return SearchRewrite(text="")
    return search_rewrite_with(text, search_synonyms())


@dataclass(frozen=True)
class _SearchMatches:
    """What a query matched besides product text: categories and SKUs."""

    # Categories whose own name matched, and those with everything below them.
    named_category_ids: list[int]
    category_ids: list[int]
    sku_product_ids: list[int]


def _trigram_match(field: str, text: str, terms: list[str]) -> Q:
    """Match every longer word of the query against whole words, typos forgiven.

    Each word is its own indexed condition, so "amul milk" needs both words
    (one may be misspelt) rather than either.
    """
    words = [term for term in terms if len(term) >= 3] or [text]
    match = Q()
    for word in words:
        match &= Q(**{f"{field}__trigram_strict_word_similar": word})
    return match


def _search_matches(text: str, terms: list[str], tree: CategoryTree) -> _SearchMatches:
    # One query finds both: products whose SKU is the query, and categories
    # whose name matches it (their subcategories follow from the tree).
    skus = (
        ProductVariant.objects.filter(sku__in={text, text.upper()}, is_active=True)
        .order_by()
        .annotate(kind=Value("sku", output_field=CharField()))
        .values_list("product_id", "kind")
    )
    categories = Category.objects.filter(is_active=True).order_by()
    if connection.vendor == "postgresql":
        name_match = _trigram_match("name", text, terms)
        if terms:
            categories = categories.alias(
                name_doc=SearchVector("name", config=SEARCH_CONFIG)
            )
            name_match |= Q(name_doc=search_tsquery(terms))
        categories = categories.filter(name_match)
    else:
        for term in terms:
            categories = categories.filter(name__icontains=term)
        if not terms:
            categories = categories.none()
    categories = categories.annotate(
        kind=Value("category", output_field=CharField())
    ).values_list("id", "kind")
    named, category_ids, sku_product_ids = set(), set(), set()
    for pk, kind in skus.union(categories, all=True):
        if kind == "sku":
            sku_product_ids.add(pk)
        elif (node := tree.get_by_id(pk)) is not None:
            named.add(pk)
            category_ids.update(node.descendant_ids())
    return _SearchMatches(sorted(named), sorted(category_ids), sorted(sku_product_ids))


def _word_start_bonus(terms: list[str]) -> Case | Value:
    """Score a product whose name or brand has a word starting with a query word."""
    if not terms:
        return Value(0.0, output_field=FloatField())
    starts = Q()
    for term in terms:
        for field_name in ("name", "brand"):
            starts |= (
                Q(**{f"{field_name}__istartswith": term})
                | Q(**{f"{field_name}__icontains": f" {term}"})
                | Q(**{f"{field_name}__icontains": f"-{term}"})
            )
    return _bonus(starts, 0.5)


def _bonus(condition: Q, points: float) -> Case:
    return Case(
        When(condition, then=Value(points)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _search_apply(queryset, text: str, tree: CategoryTree) -> QuerySet[Product]:
    text, pack_labels = search_pack_split(text)
    terms = search_terms(text)
    matches = _search_matches(text, terms, tree)
    in_categories = Q(category_id__in=matches.category_ids)
    by_sku = Q(pk__in=matches.sku_product_ids)
    # An exact SKU wins outright; a product in a category named by the query
    # ranks above one that is only somewhere below such a category; one
    # whose name starts with a word of the query above one that only holds
    # it ("cola": Coca-Cola before chocolate).
    rank = (
        _bonus(by_sku, 10.0)
        + _bonus(Q(category_id__in=matches.named_category_ids), 0.3)
        + _bonus(in_categories, 0.1)
        + _word_start_bonus(terms)
    )
    if pack_labels:
        rank = rank + _bonus(
            Exists(
                ProductVariant.objects.filter(
                    product=OuterRef("pk"), is_active=True, label__in=pack_labels
                )
            ),
            0.5,
        )
    if connection.vendor == "postgresql":
        # Each branch can use an index: the full-text GIN, the category
        # index, the primary key and the trigram GIN. Rechecking a row, as
        # a bitmap scan does, PostgreSQL tries the branches in the order
        # written, so the trigram comparison (about 4 µs a row) comes last,
        # for the rows nothing cheaper matched: a common word's brand facet
        # 9 → 4 ms at 10,000 products.
        match = in_categories | by_sku
        rank = rank + TrigramStrictWordSimilarity(text, "name")
        if terms:
            query = search_tsquery(terms)
            queryset = queryset.alias(search_doc=search_document())
            match = Q(search_doc=query) | match
            rank = rank + SearchRank(F("search_doc"), query)
        match |= _trigram_match("name", text, terms)
    else:
        # SQLite (`make run`): a plain match. A longer word matches on its
        # first four letters, a crude allowance for typos late in a word.
        words = Q()
        for term in terms:
            stem = term[:4] if len(term) >= 5 else term
            words &= (
                Q(name__icontains=stem)
                | Q(brand__icontains=stem)
                | Q(description__icontains=stem)
            )
        match = (words if terms else Q(pk__in=[])) | in_categories | by_sku
        rank = rank + _bonus(Q(name__icontains=text), 1.0)
    return queryset.filter(match).annotate(search_rank=rank)


def _ordering(ordering: str, *, searching: bool) -> list:
    keys = {
        "relevance": ["-search_rank"] if searching else ["-rating_count", "name"],
        "price": ["price_from", "name"],
        "-price": ["-price_from", "name"],
        "newest": ["-created_at"],
        "rating": ["-rating_avg", "-rating_count", "name"],
    }[ordering]
    # Out of stock sorts last whatever the shopper chose.
    return ["-in_stock", *keys, "id"]


def product_list(
    *,
    category: CategoryNode | None = None,
    search: str = "",
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    brands: Iterable[str] = (),
    in_stock: bool | None = None,
    rating_min: Decimal | None = None,
    ordering: str = "relevance",
    tree: CategoryTree | None = None,
    store_id: int | None = None,
    cards: bool = True,
) -> QuerySet[Product]:
    """Return the sellable products that pass every filter, in the chosen order.

    `category` includes its subcategories; `search` matches name, brand,
    description and category names (typos forgiven on PostgreSQL) and an exact
    SKU; `brands` match without regard to case; `in_stock` True keeps only
    products that can be bought now, False only those that cannot. A search
    without a letter or digit in it matches only a SKU. With `store_id`,
    stock, prices from and the out-of-stock-last order are that store's
    shelf; without, any shelf's.

    The products come ready for their cards (`products_for_cards`); with
    `cards` False they carry only what the listing filters and sorts on,
    for `ListingPages`, which reads the page's cards itself.
    """
    if ordering not in ORDERINGS:
        raise ValueError(f"unknown ordering {ordering!r}")
    tree = tree or category_tree()
    queryset = products_sellable(tree=tree, category=category)
    if cards:
        queryset = products_for_cards(queryset, store_id=store_id)
    else:
        queryset = queryset.annotate(in_stock=_in_stock(store_id))
        price_needed = min_price is not None or max_price is not None
        if price_needed or ordering in ("price", "-price"):
            queryset = queryset.annotate(price_from=_price_from(store_id))
    text = search_text_normalize(search)
    if text:
        queryset = _search_apply(queryset, search_rewrite(text).text, tree)
    if min_price is not None:
        queryset = queryset.filter(price_from__gte=min_price)
    if max_price is not None:
        queryset = queryset.filter(price_from__lte=max_price)
    if in_stock is not None:
        queryset = queryset.filter(in_stock=in_stock)
    if rating_min is not None:
        queryset = queryset.filter(rating_avg__gte=rating_min)
    queryset = products_of_brands(queryset, brands=brands)
    return queryset.order_by(*_ordering(ordering, searching=bool(text)))


class ListingPages:
    """A listing as a paginator slices it: the page's ids first, then their cards.

    The first query sorts on the sort keys alone and skips the earlier pages
    on those; only the page's products then get their price, thumbnail and
    variants, read by id (`product_cards_by_ids` at the listing's store): the
    listing's own filters and search rank are neither built nor run again
    for them. One query, with `OFFSET`, would work out the card columns of
    every product it skips (the deep category page's cost).
    """

    def __init__(
        self,
        listing: QuerySet[Product],
        *,
        tree: CategoryTree | None = None,
        store_id: int | None = None,
    ):
        self.listing = listing
        self.tree = tree
        self.store_id = store_id

    def __getitem__(self, bounds: slice) -> list[Product]:
        ids = list(self.listing.values_list("pk", flat=True)[bounds])
        if not ids:
            return []
        # The listing sorts in stock first already, so their order stands.
        return product_cards_by_ids(ids=ids, tree=self.tree, store_id=self.store_id)


def brand_keys(brands: Iterable[str]) -> list[str]:
    """Return the brands as `products_of_brands` compares them."""
    return sorted({b.strip().lower() for b in brands if b and b.strip()})


def products_of_brands(queryset, *, brands: Iterable[str]) -> QuerySet[Product]:
    """Narrow a listing to some brands, case-insensitively; no brands: no change."""
    keys = brand_keys(brands)
    if not keys:
        return queryset
    return queryset.alias(brand_key=Lower("brand")).filter(brand_key__in=keys)


def product_brand_counts(queryset: QuerySet[Product]) -> dict[str, int]:
    """Return {brand: products} of a listing, brands in alphabetical order.

    Called on a listing before its brand filter, this is the brand facet, and
    the counts of the chosen brands add up to the filtered listing's length.
    """
    rows = (
        queryset.prefetch_related(None)
        .order_by()
        .values_list("brand")
        .annotate(n=Count("pk"))
    )
    return dict(sorted(rows, key=lambda row: (row[0].lower(), row[0])))


# Price and in-stock filters follow the shelves; without them a listing is
# the catalogue's alone, and so are its brands.
_STOCK_FILTERS = ("min_price", "max_price", "in_stock")
BRAND_FACET_KEY = "catalog:brand-facet"


def product_brand_counts_kept(
    listing: QuerySet[Product],
    *,
    version: str | None,
    category: CategoryNode | None,
    search: str,
    filters: dict,
) -> dict[str, int]:
    """Return `product_brand_counts(listing)`, kept under the catalogue's
    `version` when no filter of the listing depends on stock.

    `listing` is `product_list(category=, search=, **filters)` before its
    brand filter. Which products are sold, and their brands, change only
    with catalogue writes, which move the version; so a stock move (an
    order) re-renders a page without counting its brands again. A price or
    in-stock filter, or no version (`shop.pagecache.content_version`), and
    they are counted every time.
    """
    if version is None or any(filters.get(name) is not None for name in _STOCK_FILTERS):
        return product_brand_counts(listing)
    text = search_text_normalize(search)
    described = json.dumps(
        [
            category.id if category is not None else None,
            search_rewrite(text).text if text else "",
            str(filters.get("rating_min") or ""),
        ]
    )
    digest = hashlib.sha256(described.encode()).hexdigest()
    key = f"{BRAND_FACET_KEY}:{version}:{digest}"
    counts = cache.get(key)
    if counts is None:
        counts = product_brand_counts(listing)
        # As long as the pages that show it.
        cache.set(key, counts, timeout=settings.SHOP_PAGE_CACHE_TIMEOUT)
    return counts


@dataclass
class HomeRow:
    """A row of product cards on the home page, under a top category."""

    category: CategoryNode
    products: list[Product]


# Which products the home page features is worked out over the whole shop
# (a second at 300,000 products), so the choice is kept: fresh for a few
# minutes, then served stale while one worker, holding a lock, works out the
# next. The cards themselves (price, stock, whether still sold) are read
# fresh on every render.
HOME_PICKS_KEY = "catalog:home-picks"
HOME_PICKS_TIMEOUT = 300
# How long a stale choice may still be shown when nobody could refresh it.
_HOME_PICKS_KEPT = 24 * 3600
_HOME_PICKS_LOCK_TIMEOUT = 120


def _home_picks_cached(tree: CategoryTree, *, deals: int, per_category: int) -> dict:
    """Return the home page's picks; at most one process works them out at a time.

    A missing choice is worked out by whoever asks (a cold cache); a stale
    one is served as it is to everyone but the one process that took the
    lock, which works out and stores the next.
    """
    key = f"{HOME_PICKS_KEY}:{deals}:{per_category}"
    kept = cache.get(key)
    now = time.time()
    if kept is not None and kept["fresh_until"] > now:
        return kept["picks"]
    if kept is not None and not cache.add(
        f"{key}:lock", 1, timeout=_HOME_PICKS_LOCK_TIMEOUT
    ):
        return kept["picks"]
    try:
        picks = _home_picks(tree, deals=deals, per_category=per_category)
        cache.set(
            key,
            {"picks": picks, "fresh_until": time.time() + HOME_PICKS_TIMEOUT},
            timeout=_HOME_PICKS_KEPT,
        )
    finally:
        if kept is not None:
            cache.delete(f"{key}:lock")
    return picks


def _home_picks(tree: CategoryTree, *, deals: int, per_category: int) -> dict:
    in_stock_products = products_sellable(tree=tree).filter(
        Exists(_variants_of_outer_product().filter(stock__gt=0))
    )
    # Cast, or SQLite divides the whole-rupee amounts it stores as integers.
    best_discount = Subquery(
        _variants_of_outer_product()
        .filter(stock__gt=0)
        .annotate(
            off=Cast(F("mrp") - F("price"), FloatField()) / Cast("mrp", FloatField())
        )
        .order_by("-off")
        .values("off")[:1]
    )
    deal_ids = list(
        in_stock_products.annotate(best_discount=best_discount)
        .order_by(F("best_discount").desc(nulls_last=True), "id")
        .values_list("pk", flat=True)[:deals]
    )
    rows: dict[int, list[int]] = {}
    if tree.roots:
        top_of = Case(
            *[
                When(category_id__in=root.descendant_ids(), then=Value(root.id))
                for root in tree.roots
            ],
            output_field=IntegerField(),
        )
        numbered = (
            in_stock_products.annotate(
                top_id=top_of,
                place=Window(
                    RowNumber(),
                    partition_by=[top_of],
                    order_by=[F("rating_count").desc(), F("id").asc()],
                ),
            )
            .filter(place__lte=per_category)
            .order_by("top_id", "place")
        )
        for top_id, pk in numbered.values_list("top_id", "pk"):
            rows.setdefault(top_id, []).append(pk)
    return {"deals": deal_ids, "rows": rows}


def home_sections(
    *,
    deals: int = 12,
    per_category: int = 6,
    tree: CategoryTree | None = None,
    store_id: int | None = None,
) -> dict:
    """Return the home page's rows: the best deals, then a row per top category.

    The featured products are chosen over the whole shop in two queries
    (kept for a few minutes) and shown, fresh, in two more, whatever the
    number of categories; with `store_id` each row shows that store's stock,
    what it lacks last.
    """
    tree = tree or category_tree()
    picks = _home_picks_cached(tree, deals=deals, per_category=per_category)
    ids = picks["deals"] + [pk for row in picks["rows"].values() for pk in row]
    cards = {
        p.pk: p for p in product_cards_by_ids(ids=ids, tree=tree, store_id=store_id)
    }
    rows = []
    for root in tree.roots:
        products = _in_stock_first(
            [cards[pk] for pk in picks["rows"].get(root.id, []) if pk in cards]
        )
        if products:
            rows.append(HomeRow(root, products))
    return {
        "deals": _in_stock_first([cards[pk] for pk in picks["deals"] if pk in cards]),
        "category_rows": rows,
    }


def _in_stock_first(products: list[Product]) -> list[Product]:
    # A stable sort: the given order holds among those in stock and the rest.
    return sorted(products, key=lambda product: not product.in_stock)


def product_cards_by_ids(
    *,
    ids: Iterable[int],
    tree: CategoryTree | None = None,
    store_id: int | None = None,
) -> list[Product]:
    """Return sellable products ready for the product card, in the given order,
    those out of stock (at `store_id`, when given) after the rest."""
    ids = list(ids)
    sellable = products_for_cards(
        products_sellable(tree=tree).only(*CARD_FIELDS), store_id=store_id
    )
    by_id = {p.pk: p for p in sellable.filter(pk__in=set(ids))}
    return _in_stock_first([by_id[pk] for pk in ids if pk in by_id])


# PRODUCT PAGE


def product_get_for_page(
    *,
    slug: str,
    user=None,
    tree: CategoryTree | None = None,
    store_id: int | None = None,
) -> Product | None:
    """Return an active product by slug with variants, pictures and category.

    The product gets `category_node` (from the cached tree), and
    `user_has_reviewed` when a user is given; with `store_id` its variants
    carry that store's shelf (`shelf_stock`). None if the product or its
    category is not active.
    """
    tree = tree or category_tree()
    queryset = (
        Product.objects.filter(slug=slug, is_active=True, category_id__in=tree.all_ids)
        .select_related("seller")
        .prefetch_related(
            active_variants_prefetch(store_id=store_id),
            Prefetch(
                "images", queryset=ProductImage.objects.order_by("position", "id")
            ),
        )
    )
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            user_has_reviewed=Exists(
                Review.objects.filter(product=OuterRef("pk"), user=user)
            )
        )
    product = queryset.first()
    if product is not None:
        product.category_node = tree.get_by_id(product.category_id)
    return product


def user_has_reviewed(*, user, product_id: int) -> bool:
    """Return whether a signed-in user has reviewed the product."""
    if user is None or not user.is_authenticated:
        return False
    return Review.objects.filter(product_id=product_id, user=user).exists()


def reviews_for_product(*, product: Product) -> QuerySet[Review]:
    """Return a product's reviews, newest first, with their authors."""
    return (
        Review.objects.filter(product=product)
        .select_related("user")
        .order_by("-created_at", "-id")
    )


def product_lock(*, product_id: int) -> Product:
    """Return the product row locked for the transaction."""
    return Product.objects.select_for_update().get(pk=product_id)
