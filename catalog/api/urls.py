from django.urls import path

from catalog.api import views

urlpatterns = [
    path("categories/", views.CategoryTreeView.as_view(), name="api-categories"),
    path("products/", views.ProductListView.as_view(), name="api-products"),
    path(
        "products/<slug:slug>/",
        views.ProductDetailView.as_view(),
        name="api-product",
    ),
    path(
        "products/<slug:slug>/reviews/",
        views.ProductReviewsView.as_view(),
        name="api-product-reviews",
    ),
]
