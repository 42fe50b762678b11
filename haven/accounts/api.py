"""API authentication: bearer tokens issued for password + TOTP.

The error bodies every endpoint documents live in ``haven.lib.api``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from haven.accounts import services
from haven.lib.api import BAD_REQUEST, DetailSerializer, ErrorSerializer
from haven.lib.parsers import BoundedJSONParser


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # as above
    """Describes ``BearerTokenAuthentication`` as HTTP bearer in the schema."""

    target_class = "haven.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION",
            token_prefix="Bearer",  # noqa: S106 - the scheme's name, not a secret
        )


class TokenIssueSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    # Passwords are taken exactly as typed: trimming would change them.
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=16,
        help_text="The current TOTP code; required for every role that can see personal data.",
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenThrottle(AnonRateThrottle):
    scope = "api_token"
    # Per client address; the account lockout is the real defence against guessing.
    rate = "20/min"


class TokenView(APIView):
    authentication_classes = ()
    parser_classes = (BoundedJSONParser,)
    permission_classes = (AllowAny,)
    throttle_classes = (TokenThrottle,)

    @extend_schema(
        operation_id="api_token_issue",
        tags=["auth"],
        auth=[],
        request=TokenIssueSerializer,
        responses={
            201: TokenSerializer,
            400: BAD_REQUEST,
            403: OpenApiResponse(
                ErrorSerializer,
                description="login_failed, account_locked, otp_required (no second factor "
                "set up) or otp_invalid.",
            ),
            429: OpenApiResponse(DetailSerializer, description="Too many attempts."),
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw, token = services.api_token_issue(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            otp=data.validated_data["otp"],
        )
        body = TokenSerializer(
            {"token": raw, "token_type": "Bearer", "expires_at": token.expires_at}
        ).data
        # RFC 6749 section 5.1: responses carrying a token must not be cached.
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)
