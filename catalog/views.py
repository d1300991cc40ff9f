from django.shortcuts import render

from catalog.models import Category


def home(request):
    categories = Category.objects.filter(parent=None, is_active=True)
    return render(request, "catalog/home.html", {"categories": categories})
