"""Everything under /api/v1/: each app brings its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("orders.payments.api.urls")),
    path("", include("orders.invoicing.api.urls")),
    path("", include("orders.api.urls")),
]
