from django.urls import path

from orders.payments import views

# Included from orders/urls.py, so these names live in the `orders` namespace.
urlpatterns = [
    path("orders/<docnumber:number>/pay/", views.payment_page, name="payment"),
    path(
        "orders/<docnumber:number>/pay/test-card/",
        views.payment_test_card,
        name="payment_test_card",
    ),
]
