from django.urls import path

from orders.invoicing import api_views

urlpatterns = [
    path(
        "orders/<str:number>/invoice/",
        api_views.OrderInvoiceView.as_view(),
        name="api-order-invoice",
    ),
    path(
        "orders/<str:number>/credit-notes/<str:invoice_number>/",
        api_views.OrderCreditNoteView.as_view(),
        name="api-order-credit-note",
    ),
]
