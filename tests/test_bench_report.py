"""`bench/report.py --scale`: what a page costs rendered in two catalogue sizes."""

from bench.report import scale_table


def _run(products, **pages):
    return {
        "catalogue": {"products": products},
        "pages": [
            {
                "name": name,
                "rendered_app_cpu_ms": app,
                "rendered_db_cpu_ms": db,
                "rendered_wall_ms": app + db,
                "app_cpu_ms": 1.0,
                "db_cpu_ms": 0.0,
                "wall_ms": 1.0,
            }
            for name, (app, db) in pages.items()
        ],
    }


def test_a_page_within_one_and_a_half_times_is_flat_and_one_beyond_is_not():
    small = _run(10_000, home=(20.0, 4.0), category=(20.0, 20.0))
    large = _run(300_000, home=(22.0, 6.0), category=(21.0, 200.0))

    rows = {
        line.split(" | ")[0]: line for line in scale_table(small, large).splitlines()
    }

    assert rows["| home"] == (
        "| home | 20.0 → 22.0 | 1.1 ✓ | 4.0 → 6.0 | 1.5 ✓ | 24.0 → 28.0 | 1.2 ✓ |"
    )
    assert "| 20.0 → 200.0 | 10.0 ✗ |" in rows["| category"]


def test_a_page_measured_in_one_run_only_is_left_out():
    small = _run(10_000, home=(20.0, 4.0))
    large = _run(300_000, home=(20.0, 4.0), checkout=(30.0, 6.0))

    assert "checkout" not in scale_table(small, large)
