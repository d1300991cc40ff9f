"""The storefront: home, category, search and product pages, and posting a review."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property

from catalog import services
from catalog.forms import ProductFilterForm, ReviewForm
from catalog.hooks import user_may_review
from catalog.models import Product
from catalog.search import search_text_normalize
from catalog.selectors import (
    ORDERINGS,
    CategoryNode,
    CategoryTree,
    ListingPages,
    brand_keys,
    category_tree_for,
    home_sections,
    product_brand_counts_kept,
    product_get_for_page,
    product_list,
    products_of_brands,
    reviews_for_product,
    search_rewrite,
    user_has_reviewed,
)
from shop.errors import DomainError
from shop.pagecache import content_version, personal_part, shared_page
from shop.redirects import post_only

REVIEWS_SHOWN = 10
RATING_CHOICES = [("4", "4★ & above"), ("3", "3★ & above"), ("2", "2★ & above")]


class CountedPaginator(Paginator):
    """A paginator told its count, which the brand facet has already summed."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _store_id(request) -> int | None:
    """Return the id of the store serving the shopper's PIN code, or None.

    `request.shopper` comes from the orders app's middleware; catalogue code
    reads it without importing that app.
    """
    shopper = getattr(request, "shopper", None)
    return shopper.store_id if shopper is not None else None


@shared_page
def home(request):
    tree = category_tree_for(request)
    sections = home_sections(tree=tree, store_id=_store_id(request))
    return render(
        request,
        "catalog/home.html",
        {"tree": tree, "top_categories": tree.roots, **sections},
    )


@shared_page
def category(request, slug):
    tree = category_tree_for(request)
    node = tree.get(slug)
    if node is None:
        raise Http404("No such category.")
    path = tree.path(node)
    top = path[0]
    return _listing(
        request,
        tree=tree,
        category=node,
        template="catalog/category.html",
        context={
            "category": node,
            "breadcrumbs": path,
            "top_category": top,
            # The rail lists the top category's subcategories, current marked.
            "rail": top.children,
        },
    )


@shared_page
def search(request):
    tree = category_tree_for(request)
    query = search_text_normalize(request.GET.get("q", ""))
    context = {
        "search_query": query,
        "corrected_query": search_rewrite(query).corrected,
        "top_categories": tree.roots,
    }
    if not query:
        return render(request, "catalog/search.html", context)
    return _listing(
        request,
        tree=tree,
        search=query,
        template="catalog/search.html",
        context=context,
    )


def _listing(
    request,
    *,
    tree: CategoryTree,
    template: str,
    context: dict,
    category: CategoryNode | None = None,
    search: str = "",
):
    """Render a filtered, sorted, paginated product grid.

    Filters that do not validate are shown with their message and left out;
    the rest still apply. A page number past the end shows the last page.
    """
    form = ProductFilterForm(request.GET)
    form.is_valid()
    filters = form.selector_filters()
    chosen_brands = filters.pop("brands")
    store_id = _store_id(request)
    listing = product_list(
        category=category,
        search=search,
        tree=tree,
        store_id=store_id,
        cards=False,
        **filters,
    )
    brand_counts = product_brand_counts_kept(
        listing,
        version=content_version(request),
        category=category,
        search=search,
        filters=filters,
    )
    chosen_keys = brand_keys(chosen_brands)
    total = sum(
        n
        for b, n in brand_counts.items()
        if not chosen_keys or b.lower() in chosen_keys
    )
    products = products_of_brands(listing, brands=chosen_keys)
    paginator = CountedPaginator(
        ListingPages(products, tree=tree, store_id=store_id),
        settings.SHOP_PAGE_SIZE,
        count=total,
    )
    page_notice = ""
    requested = request.GET.get("page", "1")
    try:
        page = paginator.page(requested)
    except PageNotAnInteger:
        page = paginator.page(1)
        page_notice = "That page number was not a number, so here is the first page."
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
        if total:
            page_notice = (
                f"There are only {paginator.num_pages} pages, so here is the last one."
            )
    page.object_list = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    active_filters = _active_filters(form)
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "page": page,
            "products": page.object_list,
            "total": total,
            "page_notice": page_notice,
            "page_query": query.urlencode(),
            "brand_choices": [
                (brand, n, brand.lower() in chosen_keys)
                for brand, n in brand_counts.items()
                if brand
            ],
            "chosen_brand_count": len(chosen_keys),
            "orderings": ORDERINGS.items(),
            "ordering": filters["ordering"],
            "rating_choices": RATING_CHOICES,
            "active_filters": active_filters,
        },
    )


def _active_filters(form: ProductFilterForm) -> int:
    data = form.cleaned_data
    return sum(
        1
        for name in ("min_price", "max_price", "in_stock", "rating_min")
        if data.get(name) is not None
    ) + len(data.get("brand") or [])


@shared_page
def product_detail(request, slug):
    return _product_page(request, slug=slug)


def _review_state(*, user, product, has_reviewed: bool) -> str:
    if not user.is_authenticated:
        return "anonymous"
    if has_reviewed:
        return "reviewed"
    if user_may_review(user=user, product=product):
        return "eligible"
    return "not_received"


@personal_part("catalog/_review_prompt.html")
def review_prompt_prepare(request, args: dict) -> dict:
    """Say what this shopper may do about the product's reviews (a personal part)."""
    user = request.user
    product = Product(pk=args["product_id"], slug=args["slug"])
    has_reviewed = user_has_reviewed(user=user, product_id=product.pk)
    state = _review_state(user=user, product=product, has_reviewed=has_reviewed)
    form = ReviewForm() if state == "eligible" else None
    return {**args, "review_state": state, "review_form": form}


def _product_page(request, *, slug: str, review_form: ReviewForm | None = None):
    user = request.user
    tree = category_tree_for(request)
    product = product_get_for_page(
        slug=slug, user=user, tree=tree, store_id=_store_id(request)
    )
    if product is None:
        raise Http404("No such product.")
    variants = product.active_variants
    selected = product.card_variant
    wanted = request.GET.get("variant", "")
    if wanted.isdigit():
        selected = next((v for v in variants if v.pk == int(wanted)), selected)
    review_state = _review_state(
        user=user,
        product=product,
        has_reviewed=getattr(product, "user_has_reviewed", False),
    )
    if review_state == "eligible" and review_form is None:
        review_form = ReviewForm()
    at_store = _store_id(request) is not None
    return render(
        request,
        "catalog/product.html",
        {
            "product": product,
            "variants": variants,
            "selected": selected,
            "in_stock": any(v.in_stock for v in variants),
            # The sizes the shopper's store has; None without a store.
            "store_sizes": [v.label for v in variants if v.in_stock]
            if at_store
            else None,
            "sizes_several": len(variants) > 1,
            "out_of_stock_text": "Out of stock at your store"
            if at_store
            else "Out of stock",
            "images": list(product.images.all()),
            "breadcrumbs": tree.path(product.category_node),
            "reviews": list(reviews_for_product(product=product)[:REVIEWS_SHOWN]),
            "review_state": review_state,
            "review_form": review_form,
            "max_quantity": settings.SHOP_MAX_LINE_QUANTITY,
        },
        status=400 if review_form is not None and review_form.errors else 200,
    )


@post_only
@login_required
def review_create(request, slug):
    product = product_get_for_page(slug=slug)
    if product is None:
        raise Http404("No such product.")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _product_page(request, slug=slug, review_form=form)
    try:
        services.review_create(
            user=request.user,
            product=product,
            rating=form.cleaned_data["rating"],
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thank you! Your review is up.")
    return redirect(reverse("catalog:product", kwargs={"slug": slug}) + "#reviews")
