"""The shop's URLs plus `/bench/bare`, the ceiling every page is compared to."""

from django.http import HttpResponse
from django.urls import path

from shop.urls import handler400  # noqa: F401
from shop.urls import urlpatterns as shop_urlpatterns


def bare(request):
    """Answer a fixed body through the same middleware, with no query."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench-bare"), *shop_urlpatterns]
