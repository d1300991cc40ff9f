from django.urls import include, path

from orders import views

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/set/", views.cart_set, name="cart_set"),
    path("delivery/area/", views.delivery_area_set, name="delivery_area"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/address/", views.checkout_address, name="checkout_address"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<docnumber:number>/", views.order_detail, name="order_detail"),
    path("orders/<docnumber:number>/cancel/", views.order_cancel, name="order_cancel"),
    # Payment and invoice pages live in their own packages, in this namespace.
    path("", include("orders.payments.urls")),
    path("", include("orders.invoicing.urls")),
]
