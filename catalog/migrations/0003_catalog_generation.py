"""The catalogue generation: one counter that every catalogue write moves.

On PostgreSQL, constraint triggers on the catalogue tables bump it in the
writer's own transaction, so no code path (services, the admin, the stock
`UPDATE ... SET stock = stock - n` of a checkout, bulk loads) can forget to.
They are DEFERRABLE INITIALLY DEFERRED: the counter row is locked only while
the writer commits, so concurrent checkouts do not queue on it for the rest
of their transaction. On other databases there are no triggers, and the page
cache that reads the counter is off.
"""

from django.db import migrations, models

TABLES = [
    "catalog_product",
    "catalog_productvariant",
    "catalog_productimage",
    "catalog_category",
    "catalog_review",
]

# UPDATE first (the row exists after this migration); the upsert only matters
# after the table was emptied, as a transactional test's flush does.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION catalog_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_cataloggeneration SET n = n + 1 WHERE id = 1;
    IF NOT FOUND THEN
        INSERT INTO catalog_cataloggeneration (id, n) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET n = catalog_cataloggeneration.n + 1;
    END IF;
    RETURN NULL;
END
$$;
"""

TRIGGER_SQL = """
CREATE CONSTRAINT TRIGGER catalog_generation_bump
AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION catalog_generation_bump();
"""


def generation_create(apps, schema_editor):
    generation = apps.get_model("catalog", "CatalogGeneration")
    generation.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"n": 0}
    )
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION_SQL)
    for table in TABLES:
        schema_editor.execute(TRIGGER_SQL.format(table=table))


def generation_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS catalog_generation_bump ON {table};"
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS catalog_generation_bump();")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(generation_create, generation_drop),
    ]
