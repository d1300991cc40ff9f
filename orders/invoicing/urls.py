from django.urls import path

from orders.invoicing import views

# Included into the `orders` namespace by orders/urls.py.
urlpatterns = [
    path(
        "orders/<docnumber:number>/invoice/",
        views.invoice_download,
        name="invoice",
    ),
    path(
        "orders/<docnumber:number>/credit-notes/<docnumber:invoice_number>/",
        views.credit_note_download,
        name="credit_note",
    ),
]
