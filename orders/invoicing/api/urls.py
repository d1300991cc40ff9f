from django.urls import path

from orders.invoicing.api import views as api_views

urlpatterns = [
    path(
        "orders/<docnumber:number>/invoice/",
        api_views.OrderInvoiceView.as_view(),
        name="api-order-invoice",
    ),
    path(
        "orders/<docnumber:number>/credit-notes/<docnumber:invoice_number>/",
        api_views.OrderCreditNoteView.as_view(),
        name="api-order-credit-note",
    ),
]
