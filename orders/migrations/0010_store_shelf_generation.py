"""A store's shelf moves its own shelf generation, and only when pages would show it.

The page cache keys a store's pages by that store's shelf generation
(`catalog.ShelfGeneration`, migration catalog 0008): a sale that leaves the
shelf showing the same thing ("In stock" before and after) moves nothing,
and one that empties it moves that store's counter alone.
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION orders_storestock_shelf_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_store bigint := NULL;
    new_store bigint := NULL;
    old_shown int := 0;
    new_shown int := 0;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_store := OLD.store_id;
        old_shown := catalog_stock_shown(OLD.quantity);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_store := NEW.store_id;
        new_shown := catalog_stock_shown(NEW.quantity);
    END IF;
    IF old_store IS DISTINCT FROM new_store THEN
        IF old_store IS NOT NULL AND old_shown <> 0 THEN
            PERFORM catalog_shelf_bump(old_store);
        END IF;
        IF new_store IS NOT NULL AND new_shown <> 0 THEN
            PERFORM catalog_shelf_bump(new_store);
        END IF;
    ELSIF old_shown <> new_shown THEN
        PERFORM catalog_shelf_bump(new_store);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER orders_storestock_shelf_bump
AFTER INSERT OR UPDATE OR DELETE ON orders_storestock
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION orders_storestock_shelf_bump();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS orders_storestock_shelf_bump ON orders_storestock;
DROP FUNCTION IF EXISTS orders_storestock_shelf_bump();
"""


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL)


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_express_booking"),
        ("catalog", "0008_shelf_generation"),
    ]

    operations = [migrations.RunPython(trigger_create, trigger_drop)]
