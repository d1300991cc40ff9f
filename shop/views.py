from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)
