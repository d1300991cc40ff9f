from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalogue"

    def ready(self):
        # Registers the product page's personal parts (shop.pagecache).
        from catalog import views  # noqa: F401
