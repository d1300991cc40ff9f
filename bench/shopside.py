"""The benchmark's Django-side steps, run as `python -m bench.shopside <command>`.

Each command prints one JSON line for `bench/run.py`:

- `catalogue`: how many categories, products and variants are seeded;
- `prepare`: the benchmark's shoppers with addresses, carts, a login session
  and API tokens, a delivery slot, the race's last units, the express
  race's store and shoppers, and the URLs to measure, chosen from the
  seeded data;
- `queries TARGETS [--profile]`: the SQL queries each page runs, counted
  in-process through the full middleware stack (and a pyinstrument profile);
- `race-state` / `express-race-state` / `storm-state`: what the races and
  the storm left behind;
- `live-prepare` / `live-changes`: a shopper's orders for the live row, and
  their status changes, each stamped when its transaction committed.

Shoppers and carts are made through the accounts and orders services where
one exists; the rest are fixtures of the benchmark itself.
"""

import argparse
import json
import os
import secrets
import sys
import time
from collections import Counter
from datetime import time as clock_time
from datetime import timedelta
from functools import partial
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import escape  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import Address, User  # noqa: E402
from catalog.models import Category, Product, ProductVariant  # noqa: E402
from orders.models import (  # noqa: E402
    DarkStore,
    DeliveryKind,
    DeliverySlot,
    Invoice,
    Order,
    OrderStatus,
    Payment,
    ServiceArea,
    StoreStock,
)
from orders.selectors import SESSION_POSTAL_CODE_KEY, store_load  # noqa: E402
from shop.models import OutboundEmail  # noqa: E402

BENCH_POSTAL_CODE = "560001"
# The second store's PIN code: the same catalogue, a shelf that lacks a fifth of it.
BENCH_POSTAL_CODE_B = "560002"
# The express race's shoppers live here, served by a store of its own.
BENCH_EXPRESS_POSTAL_CODE = "560003"
BENCH_EMAIL_DOMAIN = "bench.test"
STATE_FILE = Path(settings.BENCH_DIR) / "prepared.json"


def _emit(data) -> None:
    sys.stdout.write(json.dumps(data, default=str) + "\n")


# CATALOGUE


def catalogue(_args) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    _emit(
        {
            "categories": Category.objects.count(),
            "top_level_categories": Category.objects.filter(parent=None).count(),
            "products": Product.objects.count(),
            "active_products": Product.objects.filter(is_active=True).count(),
            "variants": ProductVariant.objects.count(),
            "postgres": postgres,
        }
    )


# PREPARE


def _user_make(kind: str, run: str, index: int) -> User:
    user = User.objects.create_user(
        f"{kind}-{index}-{run}@{BENCH_EMAIL_DOMAIN}",
        None,
        name=f"Bench {kind.title()} {index}",
        email_verified_at=timezone.now(),
    )
    return user


def _address_make(user: User, postal_code: str = BENCH_POSTAL_CODE) -> Address:
    return Address.objects.create(
        user=user,
        label="Home",
        name=user.name,
        phone="+919800000000",
        line1="12 MG Road",
        city="Bengaluru",
        state="Karnataka",
        postal_code=postal_code,
        is_default=True,
    )


def _access_token(user: User) -> str:
    return str(RefreshToken.for_user(user).access_token)


def _cart_fill(user: User, variant_ids: list[int], quantity: int = 1) -> None:
    from orders.services.cart import cart_get_or_create, cart_line_add

    cart = cart_get_or_create(user=user)
    for variant_id in variant_ids:
        cart_line_add(cart=cart, variant_id=variant_id, quantity=quantity)


def _bench_store(name: str = "Bench store") -> DarkStore:
    """Return the dark store the bench's shoppers buy from (or the second one)."""
    store, _created = DarkStore.objects.get_or_create(
        name=name,
        defaults={
            "address": "Bengaluru Central",
            "opens_at": clock_time(0, 0),
            "closes_at": clock_time(23, 59, 59),
        },
    )
    return store


def _express_race_prepare(args, run: str, variant: ProductVariant) -> dict:
    """Shoppers of a store of this run's own, `express_places` express places
    for `express_buyers` of them, and a slot the refused are offered instead.

    A new store each run: a reused database's earlier express orders hold
    places at the earlier runs' stores, not at this one.
    """
    store = _bench_store(f"Bench express store {run}")
    DarkStore.objects.filter(pk=store.pk).update(
        express_capacity=args.express_places, express_window_minutes=30
    )
    ServiceArea.objects.update_or_create(
        postal_code=BENCH_EXPRESS_POSTAL_CODE,
        defaults={"name": "Bengaluru Express", "is_active": True, "store": store},
    )
    slot = _slot_make(capacity=args.express_buyers, store=store)
    _stock_set(store=store, variant_id=variant.pk, quantity=100_000)
    buyers = []
    for index in range(args.express_buyers):
        user = _user_make("express", run, index)
        address = _address_make(user, BENCH_EXPRESS_POSTAL_CODE)
        _cart_fill(user, [variant.pk])
        buyers.append(
            {"user": user.pk, "address": address.pk, "access": _access_token(user)}
        )
    return {
        "store": store.pk,
        "variant": variant.pk,
        "capacity": args.express_places,
        "slot": slot.pk,
        "buyers": buyers,
    }


def _stock_set(*, store: DarkStore, variant_id: int, quantity: int) -> None:
    """Put `quantity` on the store's shelf; the variant's sum follows its shelves.

    The bench's own arrangement, as a test's: written directly, not sold.
    """
    StoreStock.objects.update_or_create(
        store=store, variant_id=variant_id, defaults={"quantity": quantity}
    )
    total = StoreStock.objects.filter(variant_id=variant_id).aggregate(
        total=Sum("quantity")
    )["total"]
    ProductVariant.objects.filter(pk=variant_id).update(stock=total)


def _shelves_fill(store_a: DarkStore, store_b: DarkStore) -> int:
    """Put every variant's stock that is on no shelf on the two bench stores' shelves.

    Half each, except every fifth variant, which only store A has, so the two
    stores' pages differ. The variant's shop-wide sum stays what it was. The
    bench's own arrangement, in two statements: `stock_unshelved_place`
    would take a query per shelf, which 300,000 products feel.
    """
    # Each statement reads the shelves once, before it writes: a correlated
    # probe of the table being filled would rescan the rows it has just
    # added (planned on an empty table, quadratic at 300,000 products).
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH shelved AS MATERIALIZED "
            "(SELECT DISTINCT variant_id FROM orders_storestock) "
            "INSERT INTO orders_storestock (store_id, variant_id, quantity) "
            "SELECT %s, v.id, CASE WHEN v.id %% 5 = 0 THEN 0 ELSE v.stock / 2 END "
            "FROM catalog_productvariant v "
            "LEFT JOIN shelved ON shelved.variant_id = v.id "
            "WHERE v.stock > 0 AND shelved.variant_id IS NULL",
            [store_b.pk],
        )
        cursor.execute(
            "WITH shelves AS MATERIALIZED (SELECT variant_id, "
            "SUM(quantity) AS total, BOOL_OR(store_id = %s) AS at_a "
            "FROM orders_storestock GROUP BY variant_id) "
            "INSERT INTO orders_storestock (store_id, variant_id, quantity) "
            "SELECT %s, v.id, v.stock - COALESCE(shelves.total, 0) "
            "FROM catalog_productvariant v "
            "LEFT JOIN shelves ON shelves.variant_id = v.id "
            "WHERE v.stock > 0 AND NOT COALESCE(shelves.at_a, false)",
            [store_a.pk, store_a.pk],
        )
        return cursor.rowcount


def _pin_session(postal_code: str, user: User | None = None) -> dict:
    """Return the cookie of a session that holds a PIN code (and a login)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = postal_code
    session.save()
    cookie_name = settings.SESSION_COOKIE_NAME
    return {"cookie_name": cookie_name, "session": session.session_key}


def _slot_make(capacity: int, store: DarkStore) -> DeliverySlot:
    """Return a slot of its own for this run, wide enough for every order."""
    starts = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts += timedelta(days=1, minutes=secrets.randbelow(50_000))
    return DeliverySlot.objects.create(
        store=store,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=capacity,
    )


def _sellable_variants():
    return ProductVariant.objects.filter(
        is_active=True, product__is_active=True, stock__gt=0
    ).select_related("product")


def _words(name: str) -> list[str]:
    return "".join(c if c.isalpha() else " " for c in name).split()


def _targets(page_size: int) -> dict:
    # The top-level category with the most products below it.
    tops = list(Category.objects.filter(parent=None, is_active=True))
    counts = Counter(
        Product.objects.filter(is_active=True)
        .values_list("category__parent_id", "category_id")
        .iterator()
    )
    per_top = Counter()
    for (parent_id, category_id), n in counts.items():
        per_top[parent_id or category_id] += n
    top = max(tops, key=lambda c: per_top[c.pk])
    last_page = max(1, -(-per_top[top.pk] // page_size))
    deep_page = max(1, (last_page * 4) // 5)

    # A product of that category with the most variants: a full product page.
    product = (
        Product.objects.filter(is_active=True)
        .filter(Q(category=top) | Q(category__parent=top))
        .annotate(n=Count("variants"))
        .order_by("-n", "pk")
        .first()
    )

    # Search words come from product names. Words that begin a word of most
    # descriptions ("pack" of "packed") are left out: a prefix query for
    # them would match every product, which no shopper's query does.
    rows = list(
        Product.objects.filter(is_active=True).values_list("name", "description")
    )
    in_names = Counter(
        word.lower()
        for name, _d in rows
        for word in set(_words(name))
        if len(word) >= 4
    )
    in_descriptions = Counter(
        word.lower() for _n, text in rows for word in set(_words(text))
    )
    boilerplate = {w for w, n in in_descriptions.items() if n > len(rows) // 5}
    candidates = [
        (n, word)
        for word, n in in_names.items()
        if not any(common.startswith(word) for common in boilerplate)
    ]
    common = max(candidates)[1]
    rare = min(candidates)[1]
    # The word as the product names write it: the search box echoes the
    # query in lower case, so finding this spelling proves a result is shown.
    spelled = {word.lower(): word for name, _d in rows for word in _words(name)}
    return {
        "home_expect": escape(tops[0].name),
        "category_path": top.get_absolute_url(),
        "category_expect": escape(top.name),
        "category_products": per_top[top.pk],
        "category_deep_page": deep_page,
        "category_last_page": last_page,
        "category_deep_expect": escape(top.name),
        "product_path": product.get_absolute_url(),
        "product_expect": escape(product.name),
        "product_variants": product.n,
        "search_common": common,
        "search_common_names": in_names[common],
        "search_common_expect": escape(spelled[common]),
        "search_rare": rare,
        "search_rare_names": in_names[rare],
        "search_rare_expect": escape(spelled[rare]),
        "api_list_path": f"/api/v1/products/?category={top.slug}&in_stock=true",
        "api_list_expect": '"results"',
        "api_detail_path": f"/api/v1/products/{product.slug}/",
        "api_detail_expect": product.slug,
    }


def prepare(args) -> None:
    run = secrets.token_hex(3)
    store = _bench_store()
    store_b = _bench_store("Bench store B")
    ServiceArea.objects.update_or_create(
        postal_code=BENCH_POSTAL_CODE,
        defaults={"name": "Bengaluru Central", "is_active": True, "store": store},
    )
    ServiceArea.objects.update_or_create(
        postal_code=BENCH_POSTAL_CODE_B,
        defaults={"name": "Koramangala", "is_active": True, "store": store_b},
    )
    _shelves_fill(store, store_b)
    slot = _slot_make(
        capacity=args.race_buyers + args.storm_orders + args.flow_orders + 10,
        store=store,
    )
    sellable = list(_sellable_variants().order_by("-pk")[:20])
    race_variant, storm_variant, express_variant, *rest = sellable
    cart_variants, past_variants, flow_variants = rest[:3], rest[3:5], rest[5:10]

    # The race: every buyer's cart holds one of the last `race_stock` units.
    _stock_set(store=store, variant_id=race_variant.pk, quantity=1_000)
    race_buyers = []
    for index in range(args.race_buyers):
        user = _user_make("race", run, index)
        address = _address_make(user)
        _cart_fill(user, [race_variant.pk])
        race_buyers.append(
            {"user": user.pk, "address": address.pk, "access": _access_token(user)}
        )
    _stock_set(store=store, variant_id=race_variant.pk, quantity=args.race_stock)

    # The storm: orders placed and waiting for payment.
    from orders.services.placement import order_place

    _stock_set(store=store, variant_id=storm_variant.pk, quantity=100_000)
    storm_orders = []
    for index in range(args.storm_orders):
        user = _user_make("storm", run, index)
        address = _address_make(user)
        _cart_fill(user, [storm_variant.pk], quantity=2)
        order = order_place(user=user, address=address, slot=slot)
        storm_orders.append(
            {
                "order": order.pk,
                "number": order.number,
                "total": str(order.total),
                "currency": order.currency,
                "access": _access_token(user),
            }
        )

    # Orders placed while pages are measured: popular items, plenty on the
    # shelf, so they move stock without changing what any page shows.
    for variant in flow_variants:
        _stock_set(store=store, variant_id=variant.pk, quantity=1_000_000)
    flow_buyers = []
    for index in range(args.flow_buyers):
        user = _user_make("flow", run, index)
        address = _address_make(user)
        flow_buyers.append({"address": address.pk, "access": _access_token(user)})

    # The signed-in shopper: a store (the session's PIN code, as logging in
    # sets it from the default address), two past orders, three items in
    # the cart.
    cart_user = _user_make("cart", run, 0)
    cart_address = _address_make(cart_user)
    past_orders = []
    for variant in past_variants:
        _stock_set(store=store, variant_id=variant.pk, quantity=10_000)
        _cart_fill(cart_user, [variant.pk])
        past_orders.append(order_place(user=cart_user, address=cart_address, slot=slot))
    _cart_fill(cart_user, [v.pk for v in cart_variants[:3]], quantity=2)

    prepared = {
        "run": run,
        "targets": _targets(settings.SHOP_PAGE_SIZE),
        "cart_user": {
            "user": cart_user.pk,
            "access": _access_token(cart_user),
            "expect": escape(cart_variants[0].product.name),
            # The header's cart count: three items, two of each.
            "header_expect": "data-cart-count>6<",
            "order_path": f"/orders/{past_orders[0].number}/",
            "order_expect": past_orders[0].number,
            **_pin_session(BENCH_POSTAL_CODE, cart_user),
        },
        "store_sessions": {
            "a": _pin_session(BENCH_POSTAL_CODE),
            "b": _pin_session(BENCH_POSTAL_CODE_B),
        },
        "flow": {
            "run": run,
            "slot": slot.pk,
            "variants": [v.pk for v in flow_variants],
            "buyers": flow_buyers,
        },
        "race": {
            "variant": race_variant.pk,
            "stock": args.race_stock,
            "slot": slot.pk,
            "buyers": race_buyers,
        },
        "storm": {"orders": storm_orders},
        "express_race": _express_race_prepare(args, run, express_variant),
    }
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(prepared))
    _emit(prepared)


# QUERIES


def _backend_cpu_seconds(pid: int) -> float:
    """Return the CPU time a PostgreSQL backend has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _profile(request, times: int = 20) -> str:
    """Profile `times` requests: pyinstrument's tree if installed, else cProfile."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(times):
            request()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
        return out.getvalue()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(times):
        request()
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def _client_for(target: dict) -> tuple[Client, dict]:
    client = Client(HTTP_HOST="127.0.0.1")
    headers = dict(target["headers"])
    cookie = headers.pop("Cookie", "")
    if cookie:
        name, _, value = cookie.partition("=")
        client.cookies[name] = value
    return client, headers


def _measure(target: dict, repeat: int) -> tuple[dict, list[str], Client, dict]:
    """Return the queries and CPU per request of a page, and the client used."""
    client, headers = _client_for(target)
    # The first request warms per-process caches; the second is counted.
    client.get(target["path"], headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target["path"], headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{target['path']} answered {response.status_code}")
    # Read now: the next request's start clears the connection's query log.
    sql = [query["sql"] for query in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    db_before = _backend_cpu_seconds(backend)
    app_before = time.process_time()
    wall_before = time.perf_counter()
    for _ in range(repeat):
        client.get(target["path"], headers=headers)
    wall = time.perf_counter() - wall_before
    app = time.process_time() - app_before
    db = _backend_cpu_seconds(backend) - db_before
    figures = {
        "queries": len(sql),
        "app_cpu_ms": round(app * 1000 / repeat, 2),
        "db_cpu_ms": round(db * 1000 / repeat, 2),
        "wall_ms": round(wall * 1000 / repeat, 2),
    }
    return figures, sql, client, headers


def queries(args) -> None:
    """Count each page's SQL queries and its CPU cost per request, in-process.

    CPU time (Django's process, and the PostgreSQL backend serving it) hardly
    depends on what else the machine does, so this part of the report stays
    comparable between runs on a busy machine, unlike requests per second.
    Each page is measured as the load sees it (from the anonymous page cache
    when it is served from there) and rendered with the cache turned off,
    which is what a cache miss, or a visitor the cache does not serve, costs.
    """
    targets = json.loads(args.targets)
    results = {}
    profile_dir = Path(settings.BENCH_DIR) / "profiles"
    for target in targets:
        served, sql, client, headers = _measure(target, args.repeat)
        with override_settings(SHOP_PAGE_CACHE=False):
            rendered, sql, client, headers = _measure(target, args.repeat)
        results[target["name"]] = {
            **served,
            **{f"rendered_{name}": value for name, value in rendered.items()},
        }
        if args.profile:
            profile_dir.mkdir(parents=True, exist_ok=True)
            slug = target["name"].replace(" ", "-")
            with override_settings(SHOP_PAGE_CACHE=False):
                (profile_dir / f"{slug}.txt").write_text(
                    _profile(partial(client.get, target["path"], headers=headers))
                )
            (profile_dir / f"{slug}.sql.txt").write_text("\n\n".join(sql))
    _emit(results)


# RACE AND STORM STATE


def race_state(_args) -> None:
    prepared = json.loads(STATE_FILE.read_text())
    race = prepared["race"]
    buyers = [b["user"] for b in race["buyers"]]
    orders = Order.objects.filter(user_id__in=buyers)
    _emit(
        {
            "final_stock": StoreStock.objects.get(
                store=_bench_store(), variant_id=race["variant"]
            ).quantity,
            "orders_in_database": orders.count(),
            "units_ordered": sum(
                line.quantity
                for order in orders.prefetch_related("lines")
                for line in order.lines.all()
            ),
        }
    )


def express_race_state(_args) -> None:
    prepared = json.loads(STATE_FILE.read_text())
    race = prepared["express_race"]
    orders = Order.objects.filter(user_id__in=[b["user"] for b in race["buyers"]])
    _emit(
        {
            "orders_in_database": orders.count(),
            "express_orders_in_database": orders.filter(
                delivery_kind=DeliveryKind.EXPRESS
            ).count(),
            "express_places_taken": store_load(
                store_id=race["store"], since=timezone.now() - timedelta(minutes=30)
            ).express_taken,
        }
    )


def storm_state(_args) -> None:
    prepared = json.loads(STATE_FILE.read_text())
    order_ids = [o["order"] for o in prepared["storm"]["orders"]]
    orders = Order.objects.filter(pk__in=order_ids)
    paid_statuses = [s for s in OrderStatus.values if s != OrderStatus.PENDING_PAYMENT]
    _emit(
        {
            "orders": len(order_ids),
            "orders_paid": orders.filter(status__in=paid_statuses).count(),
            "status_changes_to_paid": sum(
                order.history.filter(to_status=OrderStatus.PAID).count()
                for order in orders
            ),
            "invoices": Invoice.objects.filter(
                order_id__in=order_ids, kind=Invoice.Kind.INVOICE
            ).count(),
            "invoices_ready": Invoice.objects.filter(
                order_id__in=order_ids,
                kind=Invoice.Kind.INVOICE,
                status=Invoice.Status.READY,
            ).count(),
            "confirmation_emails": OutboundEmail.objects.filter(
                key__in=[f"order-confirmation:{pk}" for pk in order_ids]
            ).count(),
            "confirmation_emails_sent": OutboundEmail.objects.filter(
                key__in=[f"order-confirmation:{pk}" for pk in order_ids],
                status=OutboundEmail.Status.SENT,
            ).count(),
            "intents": dict(
                Payment.objects.filter(order_id__in=order_ids).values_list(
                    "intent_id", "order__number"
                )
            ),
            "at": time.time(),
        }
    )


# LIVE


def live_prepare(args) -> None:
    """A shopper with orders awaiting payment, and the token to watch them with."""
    run = secrets.token_hex(4)
    user = _user_make("watcher", run, 0)
    address = _address_make(user)
    store = _bench_store()
    slot = _slot_make(args.orders, store)
    snapshot = {"name": address.name, "line1": address.line1, "city": address.city}
    numbers = []
    for index in range(args.orders):
        order = Order.objects.create(
            number=f"FCLIVE{run.upper()}{index:03d}",
            user=user,
            email=user.email,
            address=snapshot,
            postal_code=BENCH_POSTAL_CODE,
            store=store,
            slot=slot,
            promised_at=slot.ends_at,
            subtotal=100,
            delivery_fee=0,
            total=100,
            currency="INR",
            payment_due_at=timezone.now() + timedelta(hours=2),
        )
        numbers.append(order.number)
    _emit({"token": _access_token(user), "numbers": numbers})


def live_changes(args) -> None:
    """Move each order along its steps, one change at a time, `--pause` apart.

    Each change is stamped by a commit hook registered before the status
    service's own, so the stamp is taken right after COMMIT and before the
    event is published.
    """
    from django.db import transaction

    from orders.live.events import live_publish
    from orders.live.models import OrderEvent
    from orders.locks import order_lock
    from orders.services.status import order_status_set

    steps = [
        OrderStatus.PAID,
        OrderStatus.PACKED,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
    ]
    ids = dict(
        Order.objects.filter(number__in=args.numbers).values_list("number", "pk")
    )
    # A web worker publishes all day on one connection to Redis; its first
    # one, made here, is not what a change costs.
    live_publish(groups=["bench-warm-up"], event={"order": "", "seq": 0})
    changes = []
    for step in steps:
        for number in args.numbers:
            stamp = {}
            with transaction.atomic():
                order = order_lock(order_id=ids[number])
                transaction.on_commit(lambda stamp=stamp: stamp.update(at=time.time()))
                order_status_set(order=order, to_status=step)
            seq = (
                OrderEvent.objects.filter(order_id=ids[number])
                .order_by("-seq")
                .values_list("seq", flat=True)
                .first()
            )
            changes.append({"order": number, "seq": seq, "committed_at": stamp["at"]})
            time.sleep(args.pause)
    _emit({"changes": changes})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="bench.shopside")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("catalogue").set_defaults(handler=catalogue)
    p = commands.add_parser("prepare")
    p.add_argument("--race-buyers", type=int, default=50)
    p.add_argument("--race-stock", type=int, default=10)
    p.add_argument("--express-buyers", type=int, default=30)
    p.add_argument("--express-places", type=int, default=10)
    p.add_argument("--storm-orders", type=int, default=20)
    p.add_argument("--flow-buyers", type=int, default=60)
    p.add_argument("--flow-orders", type=int, default=2_000)
    p.set_defaults(handler=prepare)
    p = commands.add_parser("queries")
    p.add_argument("targets")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--repeat", type=int, default=20)
    p.set_defaults(handler=queries)
    commands.add_parser("race-state").set_defaults(handler=race_state)
    commands.add_parser("express-race-state").set_defaults(handler=express_race_state)
    commands.add_parser("storm-state").set_defaults(handler=storm_state)
    p = commands.add_parser("live-prepare")
    p.add_argument("--orders", type=int, default=10)
    p.set_defaults(handler=live_prepare)
    p = commands.add_parser("live-changes")
    p.add_argument("numbers", nargs="+")
    p.add_argument("--pause", type=float, default=0.25)
    p.set_defaults(handler=live_changes)
    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
