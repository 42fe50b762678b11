"""The one JSON parser of the API (``DEFAULT_PARSER_CLASSES``): bounded in size and
depth, so that no request body, signed in or not, can exhaust the stack or memory.

Kept apart from ``haven.lib.api``: DRF imports its parser setting while its views
module loads, which ``haven.lib.api`` itself imports."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# A request body nested deeper than this, or larger than this, is refused (400).
JSON_MAX_DEPTH = 32
JSON_MAX_BYTES = 2 * 1024 * 1024
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def _json_depth(data: bytes) -> int:
    """How deep arrays and objects nest in ``data``, strings left out (not parsed)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with bounds: a body larger than ``JSON_MAX_BYTES`` or nested
    deeper than ``JSON_MAX_DEPTH`` is a parse error (400, code ``parse_error``), checked
    before the JSON decoder runs, so no body can exhaust the stack or leave a
    traceback (with its content) in the logs."""

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if stream is None:
            raise exceptions.ParseError(_("The request has no JSON body."))
        data = stream.read(JSON_MAX_BYTES + 1)
        if len(data) > JSON_MAX_BYTES:
            raise exceptions.ParseError(
                _("The JSON body is larger than %(n)d bytes.") % {"n": JSON_MAX_BYTES}
            )
        if _json_depth(data) > JSON_MAX_DEPTH:
            raise exceptions.ParseError(
                _("The JSON nests deeper than %(n)d levels.") % {"n": JSON_MAX_DEPTH}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(data.decode(encoding), parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise exceptions.ParseError(_("The request body is not valid JSON.")) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
