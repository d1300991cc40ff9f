from django.urls import path

from orders.invoicing import views

# Included into the `orders` namespace by orders/urls.py.
urlpatterns = [
    path(
        "orders/<str:number>/invoice/",
        views.invoice_download,
        name="invoice",
    ),
    path(
        "orders/<str:number>/credit-notes/<str:invoice_number>/",
        views.credit_note_download,
        name="credit_note",
    ),
]
