from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        # Imported here: models and services load only once the apps are ready.
        from django.urls import register_converter

        from accounts.hooks import (
            after_login_register,
            default_address_saved_register,
        )
        from catalog.hooks import review_eligibility_register, store_resolver_register

        # Also registers the cart's personal parts of shared pages.
        from orders.context_processors import (
            delivery_area_remember_default_after_login,
            delivery_area_remember_saved_default,
        )
        from orders.converters import DocumentNumberConverter
        from orders.selectors import user_has_received_product
        from orders.services.cart import cart_merge_after_login
        from orders.stores.shopper import store_for_catalogue

        register_converter(DocumentNumberConverter, "docnumber")
        # The layers run shop < accounts < catalog < orders: the lower apps
        # ask, and orders answers from here.
        # The default address's store first: the visitor's cart merges there
        # when the visitor had set no PIN code.
        after_login_register(delivery_area_remember_default_after_login)
        after_login_register(cart_merge_after_login)
        default_address_saved_register(delivery_area_remember_saved_default)
        review_eligibility_register(user_has_received_product)
        store_resolver_register(store_for_catalogue)
