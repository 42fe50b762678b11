"""Placeholder: replaced by the web helper."""

from django.http import HttpRequest, HttpResponse


def login_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("login")


def mfa_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("mfa")


def logout_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("logout")
