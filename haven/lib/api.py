"""API plumbing shared by every app: the exception handler (domain errors become
their status and code), the error bodies every endpoint documents (the shapes the
handler and DRF itself write), the JSON-only never-cached view base, named choice
fields. One place for the API types that every app's ``api`` module uses."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.cache import add_never_cache_headers
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiResponse
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


class ErrorSerializer(serializers.Serializer[Any]):
    """A domain error, as ``haven.lib.api.api_exception_handler`` writes it."""

    code = serializers.CharField(help_text="Stable error code, such as case_not_found.")
    detail = serializers.CharField(help_text="Plain words for the person using the client.")
    field = serializers.CharField(
        required=False, help_text="The request field the error is about, when there is one."
    )


class DetailSerializer(serializers.Serializer[Any]):
    """DRF's own error body: authentication, throttling, unreadable JSON."""

    detail = serializers.CharField()


class BadRequestSerializer(serializers.Serializer[Any]):
    """Schema only (see ``BadRequestSchema``): the bodies a 400 can have."""


# DRF's field errors: {"<field>": ["message", ...]}; a list field's errors are
# keyed by item index, so a value can also be an object.
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Field errors: each request field with its messages.",
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
    },
}


# drf-spectacular's extension base registers subclasses in an unannotated __init_subclass__.
class BadRequestSchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]  # see above
    target_class = BadRequestSerializer

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        error = auto_schema.resolve_serializer(ErrorSerializer, direction)
        detail = auto_schema.resolve_serializer(DetailSerializer, direction)
        return {"anyOf": [error.ref, detail.ref, FIELD_ERRORS_SCHEMA]}


BAD_REQUEST = OpenApiResponse(BadRequestSerializer, description="Invalid input.")
UNAUTHENTICATED = OpenApiResponse(
    DetailSerializer, description="No valid bearer token (missing, unknown or expired)."
)
