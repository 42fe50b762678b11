"""Placeholder: replaced by the web helper."""

from django.http import HttpRequest, HttpResponse


def case_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("cases")
