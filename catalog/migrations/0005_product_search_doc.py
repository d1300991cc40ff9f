"""A stored search vector on PostgreSQL, so ranking reads it instead of rebuilding it.

The expression index of 0002 let PostgreSQL find matches, but `ts_rank` had
to compute `to_tsvector` over name, brand and description again for every
match. A generated column holds the same weighted vector, kept by PostgreSQL
on every write, and the full-text index moves to it. Django's model does not
know the column (SQLite has none); `catalog.search.search_document()` reads
it. Nothing happens on other databases.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

OLD_INDEX = "catalog_product_search_fts"
NEW_INDEX = "catalog_product_search_doc"

# The document of 0002: name and brand weigh A, the description C.
FORWARD_SQL = [
    """
    ALTER TABLE catalog_product ADD COLUMN search_doc tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(brand, '')), 'A')
        || setweight(
            to_tsvector('english'::regconfig, coalesce(description, '')), 'C'
        )
    ) STORED
    """,
    f"CREATE INDEX {NEW_INDEX} ON catalog_product USING gin (search_doc)",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
]


def search_doc_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD_SQL:
        schema_editor.execute(statement)


def search_doc_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW_INDEX}")
    schema_editor.execute("ALTER TABLE catalog_product DROP COLUMN search_doc")
    document = (
        SearchVector("name", weight="A", config="english")
        + SearchVector("brand", weight="A", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    product = apps.get_model("catalog", "Product")
    schema_editor.add_index(product, GinIndex(document, name=OLD_INDEX))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_variant_partial_indexes"),
    ]

    operations = [
        migrations.RunPython(search_doc_add, search_doc_drop),
    ]
