"""Build the demo grocery shop: categories, sellers, products, pictures, reviews.

Safe to run again: categories and sellers are found by slug and email,
products by their SKU numbers, so a second run only tops the shop up to
`--products` (or does nothing). Products, variants, pictures and reviews are
inserted in bulk, which is why they bypass the per-row services; categories
go through `category_save`, and ratings are recomputed by
`product_ratings_refresh`, as everywhere else.
"""

import random
import re
import time
from itertools import islice

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify

from accounts.models import User
from accounts.services import demo_accounts_ensure, seller_grant
from catalog import demo, services
from catalog.images import CATEGORY_THUMBNAIL_SIZE, THUMBNAIL_SIZE
from catalog.models import Category, Product, ProductImage, ProductVariant, Review

BATCH = 1000
# Category tiles show at up to 160 CSS pixels: twice that for sharp screens.
CATEGORY_PICTURE_SIZE = 320
ALL_CATEGORIES = len(demo.CATALOGUE) + sum(len(t.children) for t in demo.CATALOGUE)
# Every top category needs one subcategory at least: products sit in those.
FEWEST_CATEGORIES = 2 * len(demo.CATALOGUE)
_SEED_SKU = re.compile(r"^FC(\d{6})-\d+$")


def _picture_style() -> str:
    """Name the folder of the pictures this machine draws: emoji, or tiles without."""
    return "emoji" if demo.emoji_font_available() else "tiles"


class Progress:
    """A one-line progress bar on the command's stdout."""

    WIDTH = 28

    def __init__(self, stdout, label: str, total: int, *, enabled: bool):
        self.stdout, self.label, self.total = stdout, label, max(total, 1)
        self.done, self.enabled, self._shown = 0, enabled, -1
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        percent = int(100 * min(self.done, self.total) / self.total)
        if percent == self._shown:
            return
        self._shown = percent
        filled = int(self.WIDTH * min(self.done, self.total) / self.total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stdout.write(
            f"\r  {self.label:<11} [{bar}] {percent:3d}% "
            f"{min(self.done, self.total)}/{self.total}",
            ending="",
        )
        self.stdout.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stdout.write("")


class Command(BaseCommand):
    help = "Seed a realistic demo grocery catalogue (idempotent; tops up to N)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=300,
            help="How many demo products the shop should have (default 300).",
        )
        parser.add_argument(
            "--categories",
            type=int,
            default=ALL_CATEGORIES,
            help=f"Categories in all, top ones included: {FEWEST_CATEGORIES} "
            f"to {ALL_CATEGORIES} (default {ALL_CATEGORIES}).",
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="Seed of the review picker."
        )

    def handle(self, *args, products: int, categories: int, seed: int, **options):
        if products < 0:
            raise CommandError("--products cannot be negative.")
        if not FEWEST_CATEGORIES <= categories <= ALL_CATEGORIES:
            raise CommandError(
                f"--categories must be between {FEWEST_CATEGORIES} "
                f"and {ALL_CATEGORIES}."
            )
        self.show = options["verbosity"] > 0
        started = time.monotonic()
        tree = demo.categories_chosen(categories)
        sellers = self._sellers()
        reviewers = self._reviewers()
        nodes = self._categories(tree)
        pictures = self._pictures(tree)
        created = self._products(tree, products, sellers, nodes, pictures)
        reviews = self._reviews(created, reviewers, seed)
        if created and connection.vendor == "postgresql":
            # Fresh planner statistics, or the first searches on a bulk-loaded
            # catalogue scan every row instead of using the search indexes.
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE catalog_product, catalog_productvariant, "
                    "catalog_productimage, catalog_review, catalog_category"
                )
        if self.show:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo shop ready: {Product.objects.count()} products "
                    f"({len(created)} new, {reviews} new reviews) in "
                    f"{Category.objects.count()} categories, "
                    f"{time.monotonic() - started:.1f}s."
                )
            )

    # People

    def _sellers(self) -> dict[str, object]:
        demo_accounts_ensure()
        sellers = {}
        for name, email in demo.SELLERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, None, name=name)
            if not user.is_seller:
                seller_grant(user=user)
            sellers[email] = user
        return sellers

    def _reviewers(self) -> list:
        reviewers = []
        for n, name in enumerate(demo.REVIEWERS, start=1):
            email = f"reviewer{n}@freshcart.test"
            user = User.objects.filter(email=email).first()
            if user is None:
                # Reviewers exist to have written reviews; nobody logs in as them.
                user = User.objects.create_user(email, None, name=name)
            reviewers.append(user)
        return reviewers

    # Categories and pictures

    def _categories(self, tree) -> dict[str, Category]:
        total = sum(1 + len(subs) for _top, subs in tree)
        progress = Progress(self.stdout, "categories", total, enabled=self.show)
        storage = Category._meta.get_field("image").storage
        nodes = {}
        for top_position, (top, subs) in enumerate(tree):
            parent = self._category(
                top.name, None, top_position, top.colour, storage,
                emoji=demo.category_emoji(top.name),
            )  # fmt: skip
            nodes[top.name] = parent
            progress.advance()
            for position, sub in enumerate(subs):
                nodes[sub.name] = self._category(
                    sub.name, parent, position, top.colour, storage,
                    index=position + 1,
                    emoji=demo.category_emoji(sub.name, sub.items[0][0]),
                )  # fmt: skip
                progress.advance()
        progress.finish()
        return nodes

    def _category(self, name, parent, position, colour, storage, *, index=0, emoji):
        slug = slugify(name)
        category = Category.objects.filter(slug=slug).first()
        if category is not None:
            return category
        folder = f"demo/{_picture_style()}/categories"
        files = {}
        for size, name_in_folder in (
            (CATEGORY_PICTURE_SIZE, f"{slug}.webp"),
            (CATEGORY_THUMBNAIL_SIZE, f"thumbs/{slug}.webp"),
        ):
            path = f"{folder}/{name_in_folder}"
            if not storage.exists(path):
                picture = demo.picture_render(
                    name, colour, index=index, size=size, format="WEBP",
                    emoji=emoji, shape="loose",
                )  # fmt: skip
                path = storage.save(path, ContentFile(picture))
            files[size] = path
        return services.category_save(
            category=Category(
                name=name,
                slug=slug,
                parent=parent,
                position=position,
                image=files[CATEGORY_PICTURE_SIZE],
                thumbnail=files[CATEGORY_THUMBNAIL_SIZE],
            )
        )

    def _pictures(self, tree) -> dict[str, tuple[str, str]]:
        """Draw one picture per item (shared by its brands) unless stored already.

        Each distinct picture is drawn once, in the sizes the pages use, and
        every product of that item points at the same files: seeding 10,000
        products draws a few hundred pictures.
        """
        items = [
            (top, sub, item)
            for top, subs in tree
            for sub in subs
            for item, _price in sub.items
        ]
        progress = Progress(self.stdout, "pictures", len(items), enabled=self.show)
        storage = ProductImage._meta.get_field("image").storage
        folder = f"demo/{_picture_style()}"
        pool = {}
        for index, (top, sub, item) in enumerate(items):
            key = slugify(item)
            look = {
                "index": index,
                "emoji": demo.item_emoji(item) or demo.category_emoji(sub.name),
                "shape": demo.pack_shape(sub),
            }
            image = f"{folder}/products/{key}.jpg"
            thumbnail = f"{folder}/thumbs/{key}.webp"
            if not storage.exists(image):
                # The product page's picture; JPEG encodes four times faster
                # than WebP at this size, which 10,000-product seeds feel.
                picture = demo.picture_render(item, top.colour, **look)
                image = storage.save(image, ContentFile(picture))
            if not storage.exists(thumbnail):
                # Drawn at thumbnail size straight away: as thumbnail_render
                # would make it, without scaling hundreds of pictures down.
                picture = demo.picture_render(
                    item, top.colour, size=THUMBNAIL_SIZE, format="WEBP", **look
                )
                thumbnail = storage.save(thumbnail, ContentFile(picture))
            pool[item] = (image, thumbnail)
            progress.advance()
        progress.finish()
        return pool

    # Products

    def _products(self, tree, wanted, sellers, nodes, pictures) -> list[tuple]:
        existing = {
            int(match.group(1))
            for sku in ProductVariant.objects.filter(sku__startswith="FC").values_list(
                "sku", flat=True
            )
            if (match := _SEED_SKU.match(sku))
        }
        plan = [
            p
            for p in islice(demo.products_plan(tree), wanted)
            if p.index not in existing
        ]
        slugs = set(Product.objects.values_list("slug", flat=True))
        # A top-up with another number of categories lays products out
        # differently; a name already on the shelf gets a variety.
        names = set(Product.objects.values_list("name", flat=True))
        progress = Progress(self.stdout, "products", len(plan), enabled=self.show)
        created = []
        for start in range(0, len(plan), BATCH):
            batch = plan[start : start + BATCH]
            with transaction.atomic():
                created += self._product_batch(
                    batch, slugs, names, sellers, nodes, pictures
                )
            progress.advance(len(batch))
        progress.finish()
        return created

    def _product_batch(self, batch, slugs, names, sellers, nodes, pictures):
        rows = []
        for item in batch:
            name = demo.product_name_free(item, taken=names)
            names.add(name)
            slug = base = slugify(name)[:200]
            n = 2
            while slug in slugs:
                slug, n = f"{base}-{n}", n + 1
            slugs.add(slug)
            rows.append(
                Product(
                    seller=sellers[item.top.seller],
                    category=nodes[item.sub.name],
                    name=name,
                    slug=slug,
                    brand=item.brand,
                    description=demo.product_description(item),
                )
            )
        Product.objects.bulk_create(rows, batch_size=BATCH)
        ids = dict(
            Product.objects.filter(slug__in=[r.slug for r in rows]).values_list(
                "slug", "id"
            )
        )
        variants, images, created = [], [], []
        for item, row in zip(batch, rows, strict=True):
            product_id = ids[row.slug]
            created.append((item, product_id))
            variants += [
                ProductVariant(product_id=product_id, **fields)
                for fields in demo.variants_plan(item)
            ]
            image, thumbnail = pictures[item.item]
            images.append(
                ProductImage(
                    product_id=product_id,
                    image=image,
                    thumbnail=thumbnail,
                    alt_text=row.name,
                )
            )
        ProductVariant.objects.bulk_create(variants, batch_size=BATCH)
        ProductImage.objects.bulk_create(images, batch_size=BATCH)
        return created

    # Reviews

    def _reviews(self, created, reviewers, seed) -> int:
        rng = random.Random(seed)
        rows = []
        for _item, product_id in created:
            if rng.random() > 0.45:
                continue
            for user in rng.sample(reviewers, rng.randint(1, 6)):
                rating = rng.choice((5, 5, 5, 4, 4, 4, 4, 3, 3, 2))
                title, text = rng.choice(demo.REVIEW_TEXTS[rating])
                rows.append(
                    Review(
                        product_id=product_id,
                        user=user,
                        rating=rating,
                        title=title,
                        text=text,
                    )
                )
        progress = Progress(self.stdout, "reviews", len(rows), enabled=self.show)
        for start in range(0, len(rows), BATCH):
            with transaction.atomic():
                Review.objects.bulk_create(
                    rows[start : start + BATCH], ignore_conflicts=True
                )
            progress.advance(len(rows[start : start + BATCH]))
        ids = [product_id for _item, product_id in created]
        for start in range(0, len(ids), BATCH):
            services.product_ratings_refresh(product_ids=ids[start : start + BATCH])
        progress.finish()
        return len(rows)
