"""API plumbing shared by every app: the exception handler (every error, domain or
DRF's own, becomes one body ``{code, detail, field?, field_errors?}`` with its status),
the bounded JSON parser of ``haven.lib.parsers``, the
error bodies every endpoint documents, the JSON-only never-cached view base, named
choice fields. One place for the API types that every app's ``api`` module uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView, exception_handler

from haven.lib import paging
from haven.lib.errors import ErrorCode, HavenError
from haven.lib.parsers import BoundedJSONParser


def _first_error(errors: Any, path: str = "") -> tuple[str, str]:
    """The first field (as ``a.0.b``) and message of DRF's nested field errors."""
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            name = str(key) if key != api_settings.NON_FIELD_ERRORS_KEY else ""
            return _first_error(value, f"{path}.{name}".strip(".") if name else path)
    if isinstance(errors, list) and errors:
        for index, value in enumerate(errors):
            if value:  # a list field's errors: one (possibly empty) entry per item
                nested = isinstance(value, (Mapping, list))
                return _first_error(value, f"{path}.{index}".strip(".") if nested else path)
    return path, str(errors) if not isinstance(errors, (Mapping, list)) else ""


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF handler: every error becomes ``{"code", "detail", "field"?, "field_errors"?}``.

    Domain errors keep their status, code and field; a Django 404 is ``not_found``;
    DRF's own errors (authentication, permission, method, media type, parse,
    throttling) carry DRF's code; field validation is ``invalid`` with the first
    field and its message, and every field's messages under ``field_errors``."""
    if isinstance(exc, HavenError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):
        return Response({"code": ErrorCode.NOT_FOUND, "detail": _("Not found.")}, status=404)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, Mapping):
            errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
        field, message = _first_error(errors)
        body = {"code": ErrorCode.INVALID, "detail": message or _("Invalid input.")}
        if field:
            body["field"] = field
        body["field_errors"] = errors
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else ErrorCode.INVALID
        detail = response.data.get("detail") if isinstance(response.data, Mapping) else None
        body = {"code": code, "detail": str(detail or exc.default_detail)}
    response.data = body
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 (``handler404``): under /api/ the API's JSON body, else the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": ErrorCode.NOT_FOUND, "detail": _("Not found.")}, status=404)
    return page_not_found(request, exception or Http404())


class JsonApiView(APIView):
    """JSON in; out, answers that no cache may keep, since they carry personal data."""

    parser_classes = (BoundedJSONParser,)

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
    """Every error, as ``haven.lib.api.api_exception_handler`` writes it."""

    code = serializers.CharField(help_text="Stable error code, such as case_not_found.")
    detail = serializers.CharField(help_text="Plain words for the person using the client.")
    field = serializers.CharField(
        required=False, help_text="The request field the error is about, when there is one."
    )
    field_errors = serializers.DictField(
        required=False,
        help_text="Field errors (code invalid): each request field with its messages; "
        "a list field's errors are keyed by item index.",
    )


class DetailSerializer(ErrorSerializer):
    """The same body for DRF's own errors: authentication, throttling, unreadable JSON."""


class BadRequestSerializer(serializers.Serializer[Any]):
    """Schema only (see ``BadRequestSchema``): the bodies a 400 can have."""


# drf-spectacular's extension base registers subclasses in an unannotated __init_subclass__.
class BadRequestSchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]  # see above
    target_class = BadRequestSerializer

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        error = auto_schema.resolve_serializer(ErrorSerializer, direction)
        return {"anyOf": [error.ref]}


BAD_REQUEST = OpenApiResponse(BadRequestSerializer, description="Invalid input.")
UNAUTHENTICATED = OpenApiResponse(
    DetailSerializer, description="No valid bearer token (missing, unknown or expired)."
)


DEFAULT_PAGE_SIZE = 25  # when REST_FRAMEWORK sets no PAGE_SIZE


class CountedPagination(PageNumberPagination):
    """Page numbers over a ``paging.Page`` read with a limit: ``count`` is exact when
    ``count_exact`` is true, and otherwise only says there are more than ``count``
    rows (a long list is not counted to the end). ``next`` is there exactly when a
    next page has rows."""

    def per_page(self) -> int:
        """Rows a page holds (the configured page size)."""
        return int(self.page_size or DEFAULT_PAGE_SIZE)

    def page_number(self, request: Request) -> int:
        """The requested page; a 404 for anything but a positive whole number."""
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.NotFound(_("Invalid page."))
        return int(raw)

    def response_for(self, request: Request, page: paging.Page[Any], data: Any) -> Response:
        """The page as JSON; a 404 for a page past the last one."""
        if page.number != self.page_number(request) or (page.number > 1 and not page.object_list):
            raise exceptions.NotFound(_("Invalid page."))
        url = request.build_absolute_uri()
        previous = None
        if page.has_previous:
            previous = (
                remove_query_param(url, self.page_query_param)
                if page.number == 2
                else replace_query_param(url, self.page_query_param, page.number - 1)
            )
        following = (
            replace_query_param(url, self.page_query_param, page.number + 1)
            if page.has_next
            else None
        )
        return Response(
            {
                "count": page.count.value,
                "count_exact": page.count.exact,
                "next": following,
                "previous": previous,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = (
            "How many rows the list has when count_exact is true; otherwise the list "
            "has more than this many (a long list is not counted to the end)."
        )
        properties["count_exact"] = {
            "type": "boolean",
            "description": "Whether count is exact (false: more than count).",
        }
        described["required"] = [*described.get("required", []), "count_exact"]
        return described
