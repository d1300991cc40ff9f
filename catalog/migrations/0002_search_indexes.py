"""Search indexes on PostgreSQL; nothing on SQLite, where search is a plain match.

The full-text index is on the expression `catalog.search.search_document()`
builds (copied here, as migrations must not change when code does), so it is
always current: PostgreSQL keeps an expression index up to date on every write.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FTS_INDEX = "catalog_product_search_fts"
TRIGRAM_INDEX = "catalog_product_name_trgm"


def _indexes():
    document = (
        SearchVector("name", weight="A", config="english")
        + SearchVector("brand", weight="A", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    return [
        GinIndex(document, name=FTS_INDEX),
        GinIndex(OpClass("name", name="gin_trgm_ops"), name=TRIGRAM_INDEX),
    ]


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    product = apps.get_model("catalog", "Product")
    for index in _indexes():
        schema_editor.add_index(product, index)


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    product = apps.get_model("catalog", "Product")
    for index in _indexes():
        schema_editor.remove_index(product, index)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        # A no-op on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(indexes_create, indexes_drop),
    ]
