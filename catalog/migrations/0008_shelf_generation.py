"""Stock moves stop emptying the page cache: a shelf generation per store.

Until now every write to a variant bumped the one catalogue generation, so
each order (its stock decrement) made every cached page of the shop stale.
Now a variant's price, label, MRP, activity and the like still bump the
catalogue generation, while its `stock` (the shop-wide sum) bumps only the
shelf generation of "store 0", and only when what a page shows of it changes
(`catalog_stock_shown`: out of stock, each count up to
`STOCK_SHOWN_EXACTLY_UP_TO`, in stock). The orders app's migration adds the
same trigger per store on its shelves (`orders_storestock`).

Like the catalogue generation's, the triggers are deferred constraint
triggers: the counter row is locked only while the writer commits. Each
counter now moves once per transaction however many rows it writes (a flag
local to the transaction, undone with it): the deferred triggers all fire at
commit, when one bump is as visible as a thousand, and a bulk load no longer
updates the same row once per row it inserts (seed_demo's batches of 1,000
products made a chain of some 4,000 versions of it per transaction).
"""

from django.db import migrations, models

# 5 is `catalog.models.STOCK_SHOWN_EXACTLY_UP_TO` when this was written; a new
# value needs a migration that redefines `catalog_stock_shown`.
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION catalog_stock_shown(quantity bigint) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN quantity IS NULL OR quantity <= 0 THEN 0
        WHEN quantity <= 5 THEN quantity::int
        ELSE 6
    END
$$;

CREATE OR REPLACE FUNCTION catalog_shelf_bump(store bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    flag text := 'catalog.shelf_bumped_' || store;
BEGIN
    IF current_setting(flag, true) = '1' THEN
        RETURN;
    END IF;
    PERFORM set_config(flag, '1', true);
    INSERT INTO catalog_shelfgeneration (store_id, n) VALUES (store, 1)
    ON CONFLICT (store_id) DO UPDATE SET n = catalog_shelfgeneration.n + 1;
END
$$;

CREATE OR REPLACE FUNCTION catalog_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('catalog.generation_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('catalog.generation_bumped', '1', true);
    UPDATE catalog_cataloggeneration SET n = n + 1 WHERE id = 1;
    IF NOT FOUND THEN
        INSERT INTO catalog_cataloggeneration (id, n) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET n = catalog_cataloggeneration.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION catalog_shelf_bump_shop() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM catalog_shelf_bump(0);
    RETURN NULL;
END
$$;
"""

# The variant's own columns but its stock: a change there is the catalogue's.
VARIANT_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS catalog_generation_bump ON catalog_productvariant;

CREATE CONSTRAINT TRIGGER catalog_generation_bump
AFTER INSERT OR DELETE ON catalog_productvariant
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION catalog_generation_bump();

CREATE CONSTRAINT TRIGGER catalog_generation_bump_update
AFTER UPDATE ON catalog_productvariant
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW
WHEN ((to_jsonb(OLD) - 'stock') IS DISTINCT FROM (to_jsonb(NEW) - 'stock'))
EXECUTE FUNCTION catalog_generation_bump();

CREATE CONSTRAINT TRIGGER catalog_shelf_bump_shop
AFTER UPDATE ON catalog_productvariant
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW
WHEN (catalog_stock_shown(OLD.stock) IS DISTINCT FROM catalog_stock_shown(NEW.stock))
EXECUTE FUNCTION catalog_shelf_bump_shop();
"""

REVERSE_SQL = """
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
DROP TRIGGER IF EXISTS catalog_shelf_bump_shop ON catalog_productvariant;
DROP TRIGGER IF EXISTS catalog_generation_bump_update ON catalog_productvariant;
DROP TRIGGER IF EXISTS catalog_generation_bump ON catalog_productvariant;
CREATE CONSTRAINT TRIGGER catalog_generation_bump
AFTER INSERT OR UPDATE OR DELETE ON catalog_productvariant
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION catalog_generation_bump();
DROP FUNCTION IF EXISTS catalog_shelf_bump_shop();
DROP FUNCTION IF EXISTS catalog_shelf_bump(bigint);
DROP FUNCTION IF EXISTS catalog_stock_shown(bigint);
"""


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS_SQL)
    schema_editor.execute(VARIANT_TRIGGERS_SQL)


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_search_synonyms"),
    ]

    operations = [
        migrations.CreateModel(
            name="ShelfGeneration",
            fields=[
                (
                    "store_id",
                    models.PositiveBigIntegerField(primary_key=True, serialize=False),
                ),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
