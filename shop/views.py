from django.shortcuts import render
from django.views import defaults

from shop.errors import api_refusal


def bad_request(request, exception=None):
    return api_refusal(request, status=400) or render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    # A URL that no API route matches (e.g. a negative id) still answers JSON.
    response = api_refusal(request, status=404)
    return response or defaults.page_not_found(request, exception)
