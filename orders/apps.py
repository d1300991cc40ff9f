from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        from django.urls import register_converter

        from orders.converters import DocumentNumberConverter

        register_converter(DocumentNumberConverter, "docnumber")
