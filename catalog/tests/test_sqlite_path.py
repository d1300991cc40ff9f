"""`make run` serves the shop on SQLite: migrations, seeding and search work there.

The suite runs on PostgreSQL, so this drives a separate process on a fresh
SQLite file, the way `make run` does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from catalog.selectors import category_tree, product_list
found = [p.name for p in product_list(search="bananna")[:3]]
listing = product_list(category=category_tree().get("fruits-vegetables"))
spelt = [p.name for p in product_list(search="aata")[:3]]
synonym = [p.category.name for p in product_list(search="cold drink")[:3]]
print(json.dumps({"typo": found, "listed": listing.count(), "spelt": spelt,
                  "synonym": synonym}))
"""


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_migrate_seed_and_search_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }

    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--products", "24", "--categories", "16", "-v", "0")
    output = manage(env, "shell", "-c", PROBE)
    probe = json.loads(output.strip().splitlines()[-1])

    assert probe["typo"][0] == "Banana Robusta"
    assert probe["listed"] > 0
    # The synonyms table's seed rows work on SQLite too.
    assert probe["spelt"]
    assert all("Atta" in name for name in probe["spelt"])
    assert probe["synonym"] == ["Soft Drinks"] * 3
