"""The API's exception handler: domain errors become their status and code."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import exception_handler

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
