"""`make bench`: serve a 10,000-product shop as production would and measure it.

Steps, each timed and printed:

1. reset the bench database and Redis db, migrate, seed the catalogue
   (`seed_demo`), collect static files;
2. start loopback stand-ins (an SMTP sink, the fake Stripe) and the shop under
   gunicorn with `bench.settings` (production settings, DEBUG off), and a
   Celery worker on Redis;
3. create the benchmark's shoppers, carts, sessions and tokens
   (`bench.shopside prepare`) and count each page's SQL queries;
4. drive each URL from a second process (wrk) for a fixed time at a fixed
   concurrency after a warm-up;
5. the checkout race (stock), the express checkout race and the webhook
   storm through the real HTTP API;
6. the live row (`bench/live.py`): WebSocket subscribers on one ASGI
   process (`shop.live`), from a status change's commit to their sockets;
7. read the resident memory of every server process, print the table and
   write `bench/results/latest.json`.

Only loopback is ever contacted; every process started is stopped by its pid.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import live, load, orderflow, race, servers, storm  # noqa: E402
from bench.mailsink import MailSink  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shop_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
RESULTS_DIR = ROOT / "bench" / "results"
WORK_DIR = ROOT / "var" / "bench"

# Share of the bare view's requests per second each page should reach
# (issue 19): half, for every page, anonymous or signed in.
PAGES = [
    "home",
    "category p1",
    "category deep",
    "product",
    "search common",
    "search rare",
    "api list filtered",
    "api detail",
]
TARGET_RATIOS = {
    **dict.fromkeys(PAGES, 1 / 2),
    **{f"{name} signed-in": 1 / 2 for name in PAGES},
    "category p1 store A": 1 / 2,
    "category p1 store B": 1 / 2,
    "cart signed-in": 1 / 2,
    "checkout signed-in": 1 / 2,
    "order page signed-in": 1 / 2,
}
# With orders placed at --orders-per-second, each page keeps this share of
# what it served just before without them.
ORDERS_TARGET = 0.8


def parse_args(argv=None):
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--categories", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per URL")
    parser.add_argument("--warmup", type=float, default=3.0, help="per URL")
    parser.add_argument(
        "--paired-seconds",
        type=float,
        default=5.0,
        help="bare view measured this long before each page (0: off)",
    )
    parser.add_argument("--workers", type=int, default=2 * cpus)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=4, help="gthread only")
    parser.add_argument(
        "--connections", type=int, default=0, help="default: 2 per worker"
    )
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--smtp-port", type=int, default=8825)
    parser.add_argument("--race-buyers", type=int, default=50)
    parser.add_argument("--race-stock", type=int, default=10)
    parser.add_argument("--express-buyers", type=int, default=30)
    parser.add_argument("--express-places", type=int, default=10)
    parser.add_argument("--storm-orders", type=int, default=20)
    parser.add_argument("--storm-copies", type=int, default=10)
    parser.add_argument("--celery-concurrency", type=int, default=cpus)
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="keep an already seeded bench database (faster reruns)",
    )
    parser.add_argument("--only", nargs="*", help="measure only these rows")
    parser.add_argument("--skip-race", action="store_true")
    parser.add_argument("--skip-storm", action="store_true")
    parser.add_argument("--skip-live", action="store_true")
    live.add_arguments(parser)
    parser.add_argument(
        "--orders-per-second",
        type=float,
        default=5.0,
        help="rate of the orders placed while some pages are measured again (0: off)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also write a pyinstrument profile of each page to var/bench/profiles",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "latest.json")
    return parser.parse_args(argv)


class Steps:
    """Print each step as it starts and how long it took."""

    def __init__(self):
        self.started = time.monotonic()
        self.timings: dict[str, float] = {}

    def run(self, name: str, function, *args, **kwargs):
        print(f"[bench {self.elapsed():6.1f}s] {name}…", flush=True)
        started = time.monotonic()
        result = function(*args, **kwargs)
        self.timings[name] = round(time.monotonic() - started, 1)
        return result

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def bench_env(args) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # A developer's test database must never be the one reset here.
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
            "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", "sk_test_bench"),
            "STRIPE_WEBHOOK_SECRET": os.environ.get(
                "STRIPE_WEBHOOK_SECRET", "whsec_bench_secret"
            ),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(args.smtp_port),
            "MEDIA_ROOT": str(WORK_DIR / "media"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def database_lock(database_url: str):
    """Hold a PostgreSQL advisory lock named after the bench database.

    Return the connection that holds it (closing it releases the lock), or
    stop when another run holds it: a second run would drop the database
    under the first one.
    """
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    conn = psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True)
    locked = conn.execute(
        "SELECT pg_try_advisory_lock(hashtext(%s))", [f"bench:{name}"]
    ).fetchone()[0]
    if not locked:
        conn.close()
        raise SystemExit(
            f"another `make bench` is running on the database {name!r}; "
            "wait for it, or set BENCH_DATABASE_URL to another shop_bench_* database"
        )
    return conn


def database_reset(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("shop_bench") and not os.environ.get("BENCH_ALLOW_ANY_DB"):
        raise SystemExit(
            f"refusing to reset database {name!r}: the bench database's name "
            "starts with shop_bench (set BENCH_ALLOW_ANY_DB=1 to override)"
        )
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_analyze(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def static_is_fresh() -> bool:
    """Return whether collected static files are newer than every source.

    Post-processing (hashed names, gzip and Brotli) takes about a minute, so
    a rerun skips it when nothing changed: the project's `static/` and the
    installed packages (whose static files change only with the virtualenv).
    """
    manifest = WORK_DIR / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [Path(sys.prefix) / ".installed", *(ROOT / "static").rglob("*")]
    newest = max((p.stat().st_mtime for p in sources if p.exists()), default=0)
    return manifest.stat().st_mtime > newest


def redis_version(redis_url: str) -> str:
    import redis

    return redis.Redis.from_url(redis_url).info()["redis_version"]


def redis_flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def manage(env: dict, *arguments: str, timeout: float = 900) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(arguments)} failed:\n{completed.stdout}"
            f"\n{completed.stderr}"
        )
    return completed.stdout


def shopside(env: dict, *arguments: str, timeout: float = 600) -> dict:
    """Run a `bench.shopside` command in a Django process; return its JSON."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.shopside", *arguments],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"bench.shopside {' '.join(arguments)} failed:\n{completed.stderr}"
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def catalogue_ready(env: dict, args) -> bool:
    try:
        state = shopside(env, "catalogue")
    except RuntimeError:
        return False
    return state["products"] >= args.products


def machine() -> dict:
    def first_line(path: str, prefix: str, separator: str = ":") -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(separator, 1)[1].strip()
        except OSError:
            return ""
        return ""

    def version(command: list[str]) -> str:
        try:
            return subprocess.run(
                command, capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except OSError:
            return ""

    import django

    memory_kib = int(first_line("/proc/meminfo", "MemTotal").split()[0] or 0)
    wrk = re.search(r"\d+\.\d+\.\d+", version(["wrk", "--version"]))
    gunicorn = re.search(
        r"\d+\.\d+\.\d+", version([sys.executable, "-m", "gunicorn", "--version"])
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": first_line("/proc/cpuinfo", "model name"),
        "memory_total": f"{memory_kib / 1024 / 1024:.1f} GiB",
        "os": first_line("/etc/os-release", "PRETTY_NAME", "=").strip('"'),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": f"gunicorn {gunicorn.group(0) if gunicorn else '?'}",
        "wrk": f"wrk {wrk.group(0) if wrk else '?'}",
    }


def _cookie(session: dict) -> dict:
    return {"Cookie": f"{session['cookie_name']}={session['session']}"}


def build_targets(prepared: dict, only: list[str] | None) -> list[load.Target]:
    t = prepared["targets"]
    user = prepared["cart_user"]
    signed_in = _cookie(user)
    bearer = {"Authorization": f"Bearer {user['access']}"}
    pages = {
        "home": ("/", t["home_expect"]),
        "category p1": (t["category_path"], t["category_expect"]),
        "category deep": (
            f"{t['category_path']}?page={t['category_deep_page']}",
            t["category_deep_expect"],
        ),
        "product": (t["product_path"], t["product_expect"]),
        "search common": (
            f"/search/?q={t['search_common']}",
            t["search_common_expect"],
        ),
        "search rare": (f"/search/?q={t['search_rare']}", t["search_rare_expect"]),
        "api list filtered": (t["api_list_path"], t["api_list_expect"]),
        "api detail": (t["api_detail_path"], t["api_detail_expect"]),
    }
    rows = [load.Target("bare view", "/bench/bare", expect="ok")]
    rows += [
        load.Target(name, path, expect=expect) for name, (path, expect) in pages.items()
    ]
    # The same category page for a visitor of each store (a PIN code, no
    # cart): one shared copy per store.
    for store in ("a", "b"):
        rows.append(
            load.Target(
                f"category p1 store {store.upper()}",
                t["category_path"],
                headers=_cookie(prepared["store_sessions"][store]),
                expect=t["category_expect"],
                anonymous=False,
            )
        )
    # The signed-in shopper with a store, a cart and orders: the session for
    # pages, the JWT for the API.
    for name, (path, expect) in pages.items():
        api = path.startswith("/api/")
        rows.append(
            load.Target(
                f"{name} signed-in",
                path,
                headers=bearer if api else signed_in,
                expect=expect if api else user["header_expect"],
                anonymous=False,
            )
        )
    rows += [
        load.Target(
            "cart signed-in",
            "/cart/",
            headers=signed_in,
            expect=user["expect"],
            anonymous=False,
        ),
        load.Target(
            "checkout signed-in",
            "/checkout/",
            headers=signed_in,
            expect=user["header_expect"],
            anonymous=False,
        ),
        load.Target(
            "order page signed-in",
            user["order_path"],
            headers=signed_in,
            expect=user["order_expect"],
            anonymous=False,
        ),
    ]
    if only:
        rows = [row for row in rows if row.name in only or row.name == "bare view"]
    return rows


def flow_targets(targets: list[load.Target]) -> list[load.Target]:
    """Return the pages measured again while orders are placed, counting cache hits."""
    by_name = {target.name: target for target in targets}
    chosen = [
        "category p1",
        "product",
        "home",
        "category p1 store A",
        "category p1 signed-in",
        "home signed-in",
    ]
    return [
        load.Target(**{**by_name[name].__dict__, "hit_rate": True})
        for name in chosen
        if name in by_name
    ]


def measure_with_orders(base_url: str, prepared: dict, targets, args) -> list[dict]:
    """Measure each page without orders, then while orders are placed at the rate."""
    connections = args.connections or 2 * args.workers
    flow = prepared["flow"]
    rows = []
    for target in targets:
        quiet = load.measure(
            base_url,
            target,
            seconds=args.seconds,
            warmup=args.warmup,
            connections=connections,
        )
        with orderflow.OrderStream(base_url, flow, rate=args.orders_per_second) as s:
            # The warm-up lets the stream reach its pace before counting.
            busy = load.measure(
                base_url,
                target,
                seconds=args.seconds,
                warmup=args.warmup,
                connections=connections,
            )
        ratio = round(busy["rps"] / quiet["rps"], 3) if quiet["rps"] else 0.0
        rows.append(
            {
                "name": target.name,
                "path": target.path,
                "without_orders": quiet,
                "with_orders": busy,
                "orders": s.summary(),
                "ratio": ratio,
                "meets_target": ratio >= ORDERS_TARGET,
            }
        )
        print(
            f"{target.name:<24} {quiet['rps']:>8.1f} -> {busy['rps']:>8.1f} rps "
            f"({ratio:.2f}) hits {quiet.get('cache_hit_rate')} -> "
            f"{busy.get('cache_hit_rate')}; {s.summary()['orders_per_second']} "
            f"orders/s {s.summary()['statuses']}",
            flush=True,
        )
    return rows


def served_and_rendered(row: dict, name: str, digits: int) -> str:
    """Return "served/rendered" for a page the page cache served, else one figure.

    The cache served the page when rendering it ran other queries; for any
    other page both figures measure the same work and differ only by noise.
    """
    served = row.get(name)
    if served is None:
        return "-"
    rendered_queries = row.get("rendered_queries", row.get("queries"))
    if rendered_queries == row.get("queries"):
        return f"{served:.{digits}f}"
    return f"{served:.{digits}f}/{row[f'rendered_{name}']:.{digits}f}"


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'page':<19}{'rps':>8}{'p50 ms':>8}{'p99 ms':>8}{'bare':>7}{'x bare':>7}"
        f"{'target':>7}{'queries':>9}{'app ms':>11}{'db ms':>10}{'KiB':>6}  errors"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        target = row.get("target_ratio")
        print(
            f"{row['name']:<19}{row['rps']:>8.1f}{row['p50_ms']:>8.1f}"
            f"{row['p99_ms']:>8.1f}{row.get('bare_rps_paired') or 0:>7.0f}"
            f"{row['ratio']:>7.2f}"
            f"{(f'{target:.2f}' if target else '-'):>7}"
            f"{served_and_rendered(row, 'queries', 0):>9}"
            f"{served_and_rendered(row, 'app_cpu_ms', 1):>11}"
            f"{served_and_rendered(row, 'db_cpu_ms', 1):>10}"
            f"{row['bytes'] / 1024:>6.1f}  "
            f"{row['errors'] or ''}"
            f"{'  MISSES TARGET' if target and row['ratio'] < target else ''}"
        )
    print(
        "queries, app ms, db ms: per request in-process; a/b = served from the "
        "anonymous page cache / rendered"
    )
    print()


def flow_orders(args) -> int:
    """Return how many orders the order stream may place: every run, with room."""
    per_run = args.orders_per_second * (args.seconds + args.warmup + 2)
    return int(per_run * 12) + 100


def race_and_storm(args, report, steps, base_url, prepared, env, sink) -> None:
    if not args.skip_race:
        report["race"] = steps.run(
            "checkout race",
            race.run,
            base_url,
            prepared["race"],
            env,
            shopside,
            warm_times=2 * args.workers,
        )
        print(json.dumps(report["race"], indent=2))
        report["express_race"] = steps.run(
            "express checkout race",
            race.run,
            base_url,
            prepared["express_race"],
            env,
            shopside,
            warm_times=2 * args.workers,
            body=race.express_body,
            state="express-race-state",
        )
        print(json.dumps(report["express_race"], indent=2))
    if not args.skip_storm:
        report["storm"] = steps.run(
            "webhook storm",
            storm.run,
            base_url,
            prepared["storm"],
            env,
            shopside,
            sink,
            copies=args.storm_copies,
            warm_times=2 * args.workers,
        )
        print(json.dumps(report["storm"], indent=2))


def live_row(args, report, steps, processes, env) -> None:
    """Measure the live row alone: one ASGI process and its subscribers.

    The HTTP servers it does not use are stopped, and what the orders left
    running (autovacuum) is given a minute to finish.
    """
    for name in ("gunicorn", "celery", "fake-stripe"):
        processes.stop(name)
    idle = servers.wait_quiet()
    report["live"] = steps.run(
        f"live: {args.live_subscribers} WebSocket subscribers",
        live.run,
        env,
        shopside,
        processes,
        args,
    )
    report["live"]["cpu_idle_before"] = idle
    print(live.table(report["live"]))


def main(argv=None) -> int:
    args = parse_args(argv)
    connections = args.connections or 2 * args.workers
    env = bench_env(args)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    steps = Steps()
    processes = servers.Processes(WORK_DIR)
    sink = MailSink(port=args.smtp_port)
    base_url = f"http://127.0.0.1:{args.port}"
    report: dict = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "settings": {
            "products": args.products,
            "categories": args.categories,
            "seconds_per_url": args.seconds,
            "warmup_per_url": args.warmup,
            "connections": connections,
            "gunicorn_workers": args.workers,
            "gunicorn_worker_class": args.worker_class,
            "gunicorn_threads": args.threads if args.worker_class == "gthread" else 1,
            "django_settings": "bench.settings (shop.settings.production)",
        },
    }
    # Before anything is reset: another run on this database or these ports
    # must be left to finish.
    run_lock = database_lock(env["DATABASE_URL"])
    servers.port_must_be_free(args.port)
    servers.port_must_be_free(args.smtp_port)
    try:
        reuse = args.reuse_db and catalogue_ready(env, args)
        if not reuse:
            steps.run("reset the bench database", database_reset, env["DATABASE_URL"])
        # A reused database still gets the migrations added since it was seeded.
        steps.run("migrate", manage, env, "migrate", "--noinput", "-v", "0")
        if not reuse:
            steps.run(
                f"seed {args.products} products",
                manage,
                env,
                "seed_demo",
                "--products",
                str(args.products),
                "--categories",
                str(args.categories),
            )
        # Fresh planner statistics, as autovacuum keeps them on a live
        # database: without them PostgreSQL plans the searches of a freshly
        # bulk-loaded catalogue with row estimates from an empty one.
        steps.run("vacuum and analyze", database_analyze, env["DATABASE_URL"])
        steps.run("flush the bench Redis db", redis_flush, env["REDIS_URL"])
        if static_is_fresh():
            print("[bench] static files are up to date (var/bench/static)")
        else:
            steps.run("collect static files", manage, env, "collectstatic", "--noinput")
        report["catalogue"] = shopside(env, "catalogue")
        report["postgres"] = report["catalogue"].pop("postgres", "").split()[0]
        report["redis"] = redis_version(env["REDIS_URL"])

        steps.run("start the SMTP sink", sink.start)
        stripe_process = processes.start(
            "fake-stripe", [sys.executable, "-m", "bench.stripe_server"], env
        )
        env["STRIPE_API_BASE"] = servers.wait_first_line(
            WORK_DIR / "fake-stripe.log", stripe_process, 30
        )
        web = processes.start(
            "gunicorn",
            servers.gunicorn_command(
                port=args.port,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
            ),
            env,
        )
        steps.run("start gunicorn", servers.wait_http, args.port, "/healthz", web, 60)
        worker = processes.start(
            "celery", servers.celery_command(concurrency=args.celery_concurrency), env
        )
        steps.run(
            "start the Celery worker", servers.wait_celery, env["REDIS_URL"], worker, 60
        )

        prepared = steps.run(
            "create shoppers, carts, sessions and tokens",
            shopside,
            env,
            "prepare",
            f"--race-buyers={args.race_buyers}",
            f"--race-stock={args.race_stock}",
            f"--express-buyers={args.express_buyers}",
            f"--express-places={args.express_places}",
            f"--storm-orders={args.storm_orders}",
            f"--flow-orders={flow_orders(args)}",
        )
        # The shelves just filled (every variant on two stores' shelves) need
        # statistics too: planned as empty, a store's listing at 300,000
        # products took three times as long.
        steps.run("analyze the shoppers' data", database_analyze, env["DATABASE_URL"])
        targets = build_targets(prepared, args.only)
        for target in targets:
            target.preflight = load.preflight(base_url, target)
        queries = steps.run(
            "count SQL queries per page",
            shopside,
            env,
            "queries",
            json.dumps([t.__dict__ for t in targets]),
            *(["--profile"] if args.profile else []),
        )

        rows = []
        bare = targets[0]
        for target in targets:
            paired = None
            if target is not bare and args.paired_seconds > 0:
                # The bare view again just before the page, so that the
                # page's ratio compares two moments of the same machine load.
                paired = load.measure(
                    base_url,
                    bare,
                    seconds=args.paired_seconds,
                    warmup=1,
                    connections=connections,
                )
            result = steps.run(
                f"load {target.name} ({target.path})",
                load.measure,
                base_url,
                target,
                seconds=args.seconds,
                warmup=args.warmup,
                connections=connections,
            )
            rows.append(
                {
                    "name": target.name,
                    "path": target.path,
                    "anonymous": target.anonymous,
                    "bytes": target.preflight["bytes"],
                    **queries.get(target.name, {}),
                    **result,
                    "bare_rps_paired": paired["rps"] if paired else None,
                }
            )
        # The ceiling is every measurement of the bare view, the first, the
        # paired ones and one more at the end, averaged.
        again = load.measure(
            base_url,
            bare,
            seconds=args.seconds,
            warmup=args.warmup,
            connections=connections,
        )
        report["bare_view_again"] = again
        bare_runs = [rows[0]["rps"], again["rps"]]
        bare_runs += [row["bare_rps_paired"] for row in rows if row["bare_rps_paired"]]
        ceiling = sum(bare_runs) / len(bare_runs) or 1.0
        report["ceiling_rps"] = round(ceiling, 1)
        report["bare_view_runs_rps"] = bare_runs
        for row in rows:
            reference = row["bare_rps_paired"] or ceiling
            row["ratio"] = round(row["rps"] / reference, 3)
            row["ratio_to_ceiling"] = round(row["rps"] / ceiling, 3)
            row["target_ratio"] = TARGET_RATIOS.get(row["name"])
            row["meets_target"] = (
                None
                if row["target_ratio"] is None
                else row["ratio"] >= row["target_ratio"]
            )
        report["pages"] = rows
        loads = [row["loadavg_before"] for row in rows]
        report["loadavg_during_pages"] = [min(loads), max(loads)]
        print_table(rows)

        if args.orders_per_second > 0:
            report["orders_flow"] = steps.run(
                f"pages while {args.orders_per_second:g} orders a second are placed",
                measure_with_orders,
                base_url,
                prepared,
                flow_targets(targets),
                args,
            )

        race_and_storm(args, report, steps, base_url, prepared, env, sink)
        report["memory_mib"] = {
            "gunicorn_master": servers.rss_mib(web.pid),
            "gunicorn_workers": [
                servers.rss_mib(pid) for pid in servers.children_of(web.pid)
            ],
            "celery_main": servers.rss_mib(worker.pid),
            "celery_pool": [
                servers.rss_mib(pid) for pid in servers.children_of(worker.pid)
            ],
        }
        print("memory (MiB):", json.dumps(report["memory_mib"]))
        if not args.skip_live:
            live_row(args, report, steps, processes, env)
    finally:
        processes.stop_all()
        sink.stop()
        run_lock.close()
        report["step_seconds"] = steps.timings
        report["total_seconds"] = round(steps.elapsed(), 1)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"wrote {args.out} ({report['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
