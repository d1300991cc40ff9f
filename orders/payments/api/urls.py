from django.urls import path

from orders.payments.api import views as api_views

urlpatterns = [
    path(
        "orders/<docnumber:number>/payment/",
        api_views.OrderPaymentView.as_view(),
        name="api-order-payment",
    ),
    path(
        "payments/stripe/webhook/",
        api_views.StripeWebhookView.as_view(),
        name="api-stripe-webhook",
    ),
]
