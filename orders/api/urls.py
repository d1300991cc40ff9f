from django.urls import path

from orders.api import views

urlpatterns = [
    path("cart/", views.CartView.as_view(), name="api-cart"),
    path("cart/items/", views.CartItemsView.as_view(), name="api-cart-items"),
    path(
        "cart/items/<int:line_id>/",
        views.CartItemView.as_view(),
        name="api-cart-item",
    ),
    path(
        "delivery/serviceability/",
        views.ServiceabilityView.as_view(),
        name="api-delivery-serviceability",
    ),
    path("delivery/slots/", views.SlotListView.as_view(), name="api-delivery-slots"),
    path("orders/", views.OrderListView.as_view(), name="api-orders"),
    path(
        "orders/<docnumber:number>/",
        views.OrderDetailView.as_view(),
        name="api-order-detail",
    ),
    path(
        "orders/<docnumber:number>/cancel/",
        views.OrderCancelView.as_view(),
        name="api-order-cancel",
    ),
]
