"""API plumbing shared by every app: the exception handler (domain errors become
their status and code), the JSON-only never-cached view base, named choice fields."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.cache import add_never_cache_headers
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from haven.lib.errors import HavenError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF handler: domain errors become ``{"code", "detail", "field"}`` with their status."""
    if isinstance(exc, HavenError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": "Not found."}, status=404)
    return exception_handler(exc, context)


class JsonApiView(APIView):
    """JSON in; out, answers that no cache may keep, since they carry personal data."""

    parser_classes = (JSONParser,)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class NamedChoiceField(serializers.ChoiceField):
    """A choice field published as one named schema component (no enum name clashes):
    subclass it with ``CHOICES`` and ``@extend_schema_field(..., component_name=...)``."""

    CHOICES: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.CHOICES, **kwargs)
