from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
    path("p/<slug:slug>/reviews/", views.review_create, name="review_create"),
    path("search/", views.search, name="search"),
]
