from django.urls import include, path

app_name = "orders"

urlpatterns = [
    # Payment and invoice pages live in their own packages, in this namespace.
    path("", include("orders.payments.urls")),
    path("", include("orders.invoicing.urls")),
]
