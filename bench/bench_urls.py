"""The application's URLs plus ``/bench/bare/``: a view that does nothing but
answer, so ``bench/pages.py --growth`` can compare each page with the cost of
the middleware alone (session, login, second factor, CSP, audit-free)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from alliance.urls import urlpatterns as alliance_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *alliance_urlpatterns]
