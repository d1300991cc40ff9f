"""Writes to the catalogue: categories, products, variants, pictures, reviews.

The admin, the API, the pages, the tasks and `seed_demo` all write through
these functions. Every change to a category ends in `category_tree_invalidate`,
the one place the cached tree is let go.
"""

import uuid
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.text import slugify

from catalog import tasks
from catalog.errors import ReviewExists, ReviewNotAllowed
from catalog.hooks import user_may_review
from catalog.images import (
    CATEGORY_THUMBNAIL_SIZE,
    THUMBNAIL_SIZE,
    image_check,
    thumbnail_render,
)
from catalog.models import Category, Product, ProductImage, ProductVariant, Review
from catalog.selectors import CATEGORY_TREE_GENERATION_KEY, product_lock
from shop.errors import DomainError

# CATEGORIES


def category_tree_invalidate() -> None:
    """Start a new generation of the cached category tree once the change commits."""
    transaction.on_commit(
        lambda: cache.set(CATEGORY_TREE_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    )


def _slug_unique(model, text: str, *, exclude_pk=None) -> str:
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - 8].strip("-") or "item"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a new or changed category; refuse a parent inside its own subtree."""
    if category.pk is not None and category.parent_id is not None:
        ancestor_id = category.parent_id
        while ancestor_id is not None:
            if ancestor_id == category.pk:
                raise ValidationError(
                    {"parent": "A category cannot be placed under itself."},
                    code="category_cycle",
                )
            ancestor_id = (
                Category.objects.filter(pk=ancestor_id)
                .values_list("parent_id", flat=True)
                .first()
            )
    if not category.slug:
        category.slug = _slug_unique(Category, category.name)
    before = (
        Category.objects.filter(pk=category.pk)
        .values_list("image", "thumbnail")
        .first()
        if category.pk is not None
        else None
    ) or ("", "")
    picture_changed = category.image.name != before[0]
    # A caller that drew the thumbnail itself (seed_demo) passes it along.
    thumbnail_given = category.thumbnail.name not in ("", before[1])
    if picture_changed and not thumbnail_given:
        category.thumbnail = ""
    category.save()
    if picture_changed and category.image and not category.thumbnail:
        pk = category.pk
        transaction.on_commit(lambda: tasks.category_thumbnail_make.delay(pk))
    _files_delete_when_unused(
        {n for n in before if n} - {category.image.name, category.thumbnail.name}
    )
    category_tree_invalidate()
    return category


def category_thumbnail_make(*, category_id: int) -> bool:
    """Make a category's small picture unless it has one; return whether made."""
    made = _thumbnail_make(Category, category_id, size=CATEGORY_THUMBNAIL_SIZE)
    if made:
        category_tree_invalidate()
    return made


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete a category that holds no products and no subcategories, and
    its pictures once nothing else uses them."""
    names = {n for n in (category.image.name, category.thumbnail.name) if n}
    category.delete()
    _files_delete_when_unused(names)
    category_tree_invalidate()


# PRODUCTS


@transaction.atomic
def product_save(*, product: Product) -> Product:
    """Save a new or changed product; a new one gets a unique slug from its name."""
    if product.pk is None and not product.slug:
        for _attempt in range(3):
            product.slug = _slug_unique(Product, product.name)
            try:
                with transaction.atomic():
                    product.save()
                return product
            except IntegrityError:
                # Another product took the same slug in the meantime.
                product.slug = f"{product.slug}-{uuid.uuid4().hex[:6]}"
        product.save()
        return product
    product.save()
    return product


@transaction.atomic
def products_set_active(*, products: QuerySet[Product], is_active: bool) -> int:
    """Show or hide products in the shop; return how many changed."""
    return products.filter(~Q(is_active=is_active)).update(
        is_active=is_active, updated_at=timezone.now()
    )


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product with its variants, pictures and reviews."""
    names = _image_file_names(ProductImage.objects.filter(product=product))
    product.delete()
    _files_delete_when_unused(names)


@transaction.atomic
def variant_save(
    *, variant: ProductVariant, changed: Iterable[str] = ()
) -> ProductVariant:
    """Create a variant, or write only the fields of one that were changed.

    Never its stock: `stock` is the sum of the dark stores' shelves, which
    only the orders app's stock module moves, so a new variant starts at 0.
    """
    if variant.pk is None:
        variant.stock = 0
        variant.save()
        return variant
    writable = {f.name for f in ProductVariant._meta.concrete_fields} - {"id", "stock"}
    updates = {name: getattr(variant, name) for name in set(changed) & writable}
    if updates:
        ProductVariant.objects.filter(pk=variant.pk).update(**updates)
    return variant


@transaction.atomic
def variant_delete(*, variant: ProductVariant) -> None:
    """Delete a variant; orders keep their copy of its name, SKU and price."""
    variant.delete()


# PICTURES


def _image_file_names(images) -> set[str]:
    names = set()
    for image_name, thumbnail_name in images.values_list("image", "thumbnail"):
        names.update(n for n in (image_name, thumbnail_name) if n)
    return names


def _files_delete_when_unused(names: set[str]) -> None:
    """After commit, delete the files no picture row (a product's or a
    category's) points at any more.

    Demo pictures are shared by many rows, so a file goes only when unused.
    """
    if not names:
        return

    def delete():
        pointing = Q(image__in=names) | Q(thumbnail__in=names)
        in_use = _image_file_names(
            ProductImage.objects.filter(pointing)
        ) | _image_file_names(Category.objects.filter(pointing))
        storage = ProductImage._meta.get_field("image").storage
        for name in names - in_use:
            storage.delete(name)

    transaction.on_commit(delete)


def _thumbnail_queue(image_id: int) -> None:
    transaction.on_commit(lambda: tasks.product_image_thumbnail_make.delay(image_id))


@transaction.atomic
def product_image_add(
    *, product: Product, upload, alt_text: str = "", position: int | None = None
) -> ProductImage:
    """Check and store a picture of a product; its thumbnail is made after commit.

    Raises ValidationError, storing nothing, if the upload is not a JPEG, PNG
    or WebP within the size and pixel limits.
    """
    extension = image_check(upload)
    if position is None:
        position = ProductImage.objects.filter(product=product).count()
    image = ProductImage(
        product=product, alt_text=alt_text or product.name, position=position
    )
    image.image.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    image.save()
    _thumbnail_queue(image.pk)
    return image


@transaction.atomic
def product_image_save(
    *, image: ProductImage, picture_changed: bool, replaced: str = ""
) -> ProductImage:
    """Save a picture row edited in the admin; a new picture gets a new thumbnail.

    The admin's form has already checked the upload with `image_check`.
    `replaced` names the file the new picture took the place of.
    """
    old_thumbnail = image.thumbnail.name if picture_changed else ""
    if picture_changed:
        image.thumbnail = ""
    if not image.alt_text:
        image.alt_text = image.product.name
    image.save()
    if picture_changed:
        _files_delete_when_unused({n for n in (old_thumbnail, replaced) if n})
        _thumbnail_queue(image.pk)
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Delete a picture and, once no row uses them, its files."""
    names = {n for n in (image.image.name, image.thumbnail.name) if n}
    image.delete()
    _files_delete_when_unused(names)


def product_image_thumbnail_make(*, image_id: int) -> bool:
    """Make a picture's listing thumbnail unless it has one; return whether made."""
    return _thumbnail_make(ProductImage, image_id, size=THUMBNAIL_SIZE)


def _thumbnail_make(model, pk: int, *, size: int) -> bool:
    """Make a row's `thumbnail` from its `image` unless it has one.

    Two workers may race on a redelivered task: the conditional update lets
    one thumbnail in, and the loser deletes its file.
    """
    row = model.objects.filter(pk=pk).first()
    if row is None or row.thumbnail or not row.image:
        return False
    with row.image.open("rb") as source:
        content = thumbnail_render(source, size=size)
    field = model._meta.get_field("thumbnail")
    stem = PurePosixPath(row.image.name).stem
    name = field.storage.save(field.generate_filename(row, f"{stem}.webp"), content)
    stored = model.objects.filter(pk=pk, thumbnail="", image=row.image.name).update(
        thumbnail=name
    )
    if not stored:
        field.storage.delete(name)
    return bool(stored)


# REVIEWS


def product_ratings_refresh(*, product_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored rating average and count from the reviews."""
    reviews = Review.objects.filter(product=OuterRef("pk")).order_by().values("product")
    average = Subquery(reviews.annotate(a=Avg("rating")).values("a"))
    count = Subquery(reviews.annotate(c=Count("pk")).values("c"))
    products = Product.objects.all()
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    return products.update(
        rating_avg=Coalesce(Round(average, 2), Value(0)),
        rating_count=Coalesce(count, Value(0)),
    )


@transaction.atomic
def review_create(
    *, user, product: Product, rating: int, title: str = "", text: str = ""
) -> Review:
    """Record a shopper's one review of a product that was delivered to them.

    Raises ReviewNotAllowed (403) without a delivered order of the product,
    and ReviewExists (409) for a second review of it.
    """
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("A rating is a whole number from 1 to 5.", code="invalid")
    if not user_may_review(user=user, product=product):
        raise ReviewNotAllowed(
            "You can review a product once an order of it has been delivered to you."
        )
    # The product's row lock queues reviews of one product, so the stored
    # average is computed from every review before it.
    product_lock(product_id=product.pk)
    if Review.objects.filter(product=product, user=user).exists():
        raise ReviewExists("You have already reviewed this product.")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                user=user,
                rating=rating,
                title=title.strip(),
                text=text.strip(),
            )
    except IntegrityError as exc:
        raise ReviewExists("You have already reviewed this product.") from exc
    product_ratings_refresh(product_ids=[product.pk])
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    """Delete a review and recompute its product's rating."""
    product_lock(product_id=review.product_id)
    review.delete()
    product_ratings_refresh(product_ids=[review.product_id])
