from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alliance import permissions


def day(request: HttpRequest) -> HttpResponse:
    permissions.require_staff(request)
    return render(request, "scheduling/day.html", {})
