"""Print a benchmark result (bench/results/latest.json) as Markdown tables.

    .venv/bin/python bench/report.py [bench/results/latest.json]
    .venv/bin/python bench/report.py --scale SMALL.json LARGE.json

The tables are the ones docs/performance.md shows; `--scale` compares what
each page costs rendered in two runs with catalogues of different sizes
(issue 19: within 1.5× from 10,000 to 300,000 products).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import served_and_rendered  # noqa: E402


def pages_table(report: dict) -> str:
    lines = [
        "| page | URL | rps | p50 ms | p99 ms | bare rps | × bare | target "
        "| queries | app CPU ms | db CPU ms | KiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["pages"]:
        target = row.get("target_ratio")
        verdict = ""
        if target:
            verdict = " ✓" if row["ratio"] >= target else " ✗"
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['rps']:.1f} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row.get('bare_rps_paired') or '–'} | {row['ratio']:.3f}{verdict} "
            f"| {f'{target:.2f}' if target else '–'} "
            f"| {served_and_rendered(row, 'queries', 0)} "
            f"| {served_and_rendered(row, 'app_cpu_ms', 1)} "
            f"| {served_and_rendered(row, 'db_cpu_ms', 1)} "
            f"| {row['bytes'] / 1024:.1f} |"
        )
    lines.append(
        "\nQueries and CPU are per request, in-process; *a/b* is a page served "
        "from the anonymous page cache / the same page rendered (a cache miss, "
        "or a visitor the cache does not serve)."
    )
    return "\n".join(lines)


SCALE_LIMIT = 1.5


def _rendered(row: dict, figure: str) -> float:
    """A page's cost without the page cache: its rendered figure, if it has one."""
    return row.get(f"rendered_{figure}", row[figure])


def scale_table(small: dict, large: dict) -> str:
    """Compare each page's rendered cost in two runs (same rows, other sizes)."""
    sizes = [r["catalogue"]["products"] for r in (small, large)]
    lines = [
        f"| page | app CPU ms, {sizes[0]:,} → {sizes[1]:,} | × "
        "| db CPU ms | × | wall ms | × |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    by_name = {row["name"]: row for row in small["pages"]}
    for row in large["pages"]:
        before = by_name.get(row["name"])
        if before is None or row["name"] == "bare view":
            continue
        cells = []
        for figure in ("app_cpu_ms", "db_cpu_ms", "wall_ms"):
            a, b = _rendered(before, figure), _rendered(row, figure)
            times = b / a if a else float("inf") if b else 1.0
            verdict = "✓" if times <= SCALE_LIMIT else "✗"
            cells.append(f"{a:.1f} → {b:.1f} | {times:.1f} {verdict}")
        lines.append(f"| {row['name']} | " + " | ".join(cells) + " |")
    lines.append(
        "\nPer request, in-process, each page rendered without the page cache "
        "(pages it never serves as they are measured); db CPU is the serving "
        "PostgreSQL backend's, without its parallel workers, which the wall "
        f"time includes. ✓: within {SCALE_LIMIT}×."
    )
    return "\n".join(lines)


def orders_flow_table(rows: list[dict]) -> str:
    lines = [
        "| page | rps without orders | rps with orders | × | target | orders/s "
        "| page-cache hits without | with | order answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        quiet, busy, orders = row["without_orders"], row["with_orders"], row["orders"]
        verdict = " ✓" if row["meets_target"] else " ✗"
        answers = ", ".join(f"{k}: {v}" for k, v in orders["statuses"].items())
        lines.append(
            f"| {row['name']} | {quiet['rps']:.1f} | {busy['rps']:.1f} "
            f"| {row['ratio']:.2f}{verdict} | 0.80 | {orders['orders_per_second']} "
            f"| {_share(quiet.get('cache_hit_rate'))} "
            f"| {_share(busy.get('cache_hit_rate'))} | {answers} |"
        )
    lines.append(
        "\nEach page measured without orders, then at once with orders placed "
        "through the real API (cart item, then order) at the asked rate; hits are "
        "answers marked `X-Page-Cache: hit`."
    )
    return "\n".join(lines)


def _share(rate) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


def race_table(race: dict) -> str:
    keys = [
        ("buyers", "buyers"),
        ("stock_before", "units in stock"),
        ("express_places", "express places in the window"),
        ("orders_made", "orders made (201)"),
        ("refused_409", "refused (409)"),
        ("refusal_codes", "refusal codes"),
        ("refusals_offering_slots", "refusals offering slots"),
        ("server_errors", "server errors (5xx)"),
        ("final_stock", "final stock"),
        ("orders_in_database", "orders in the database"),
        ("express_orders_in_database", "express orders in the database"),
        ("express_places_taken", "express places taken"),
        ("seconds", "seconds, first request to last answer"),
        ("orders_per_second", "orders per second"),
        ("answers_per_second", "answers per second"),
        ("latency_p50_ms", "answer p50 ms"),
        ("latency_max_ms", "answer max ms"),
    ]
    return _facts(race, keys)


def storm_table(storm: dict) -> str:
    keys = [
        ("orders", "orders"),
        ("events", "distinct events (processing + succeeded per order)"),
        ("copies_per_event", "deliveries of each event"),
        ("deliveries_sent", "deliveries sent"),
        ("concurrent_senders", "concurrent senders"),
        ("answers", "answers"),
        ("server_errors", "server errors (5xx)"),
        ("orders_paid", "orders paid"),
        ("paid_transitions", "'paid' status changes"),
        ("invoices", "invoices"),
        ("invoices_ready", "invoices rendered (PDF)"),
        ("confirmation_emails", "confirmation emails recorded"),
        ("emails_received_by_smtp", "emails received by the SMTP sink"),
        ("emails_with_pdf", "of which with the PDF attached"),
        ("deliveries_per_second", "webhook deliveries per second"),
        ("seconds_to_invoices_and_emails", "seconds until every invoice and email"),
        ("worker", "worker"),
    ]
    return _facts(storm, keys)


def memory_table(memory: dict) -> str:
    return _facts(
        memory,
        [
            ("gunicorn_master", "gunicorn master"),
            ("gunicorn_workers", "gunicorn workers"),
            ("celery_main", "Celery worker, main process"),
            ("celery_pool", "Celery worker, pool processes"),
        ],
        unit=" MiB",
    )


def _facts(data: dict, keys, unit: str = "") -> str:
    lines = ["| | |", "|---|---:|"]
    for key, label in keys:
        if key in data:
            value = data[key]
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items())
            elif isinstance(value, list):
                value = ", ".join(f"{v}{unit}" for v in value)
            else:
                value = f"{value}{unit}"
            lines.append(f"| {label} | {value} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--scale"]:
        small, large = (json.loads(Path(name).read_text()) for name in argv[1:3])
        print(scale_table(small, large))
        return 0
    path = Path(argv[0]) if argv else ROOT / "bench" / "results" / "latest.json"
    report = json.loads(path.read_text())
    machine = report["machine"]
    print(
        f"Run of {report['started_at']}: {machine['cpus']} × {machine['cpu_model']}, "
        f"{machine['memory_total']}, {machine.get('os', '')}, "
        f"Python {machine['python']}, Django {machine['django']}, "
        f"PostgreSQL {report.get('postgres', '?')}, "
        f"Redis {report.get('redis', '?')}, {machine['gunicorn']}, "
        f"{machine['wrk']}; ceiling {report.get('ceiling_rps')} rps; "
        f"load average {report.get('loadavg_during_pages')}; "
        f"whole run {report.get('total_seconds')} s.\n"
    )
    print(pages_table(report))
    for title, key, render in (
        ("Pages while orders are placed", "orders_flow", orders_flow_table),
        ("Checkout race", "race", race_table),
        ("Express checkout race", "express_race", race_table),
        ("Webhook storm", "storm", storm_table),
        ("Memory after the run (VmRSS)", "memory_mib", memory_table),
    ):
        if key in report:
            print(f"\n{title}\n")
            print(render(report[key]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
