"""API authentication: bearer tokens issued for password + TOTP, listed and revoked
by their holder or by the holder's organisation administrator.

The error bodies every endpoint documents live in ``haven.lib.api``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from haven.accounts import selectors, services
from haven.accounts.authentication import BearerTokenAuthentication
from haven.accounts.current import acting_user
from haven.accounts.models import ApiToken
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    DetailSerializer,
    ErrorSerializer,
    JsonApiView,
)
from haven.lib.net import client_address
from haven.lib.parsers import BoundedJSONParser


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]  # as above
    """Describes ``BearerTokenAuthentication`` as HTTP bearer in the schema."""

    target_class = "haven.accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION",
            token_prefix=BearerTokenAuthentication.keyword,
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


class TokenThrottle(BaseThrottle):
    """HAVEN_AUTH_RATE_LIMIT attempts per window from one real client address
    (``haven.lib.net``), counted in the database: one count for every server
    process. The account lockout is the real defence against guessing."""

    scope = "api_token"

    def allow_request(self, request: Request, view: APIView) -> bool:
        return services.rate_allow(scope=self.scope, address=client_address(request))

    def wait(self) -> float:
        return float(settings.HAVEN_AUTH_RATE_WINDOW_SECONDS)


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
                description="login_failed (a wrong user name or password, or a locked "
                "account: one answer for all), otp_required (no second factor set up) or "
                "otp_invalid.",
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
            {
                "token": raw,
                "token_type": BearerTokenAuthentication.keyword,
                "expires_at": token.expires_at,
            }
        ).data
        # RFC 6749 section 5.1: responses carrying a token must not be cached.
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


# --- the caller's tokens, and a member's ----------------------------------------------

TOKEN_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="token_not_found: no token with this id that the caller may revoke.",
)
MEMBER_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="member_not_found: no account with this id that the caller may manage "
    "(one's own, or a member of the organisation one administers).",
)


class ApiTokenSerializer(serializers.Serializer[Any]):
    """A live token: never its secret, which is shown once, when issued."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.BooleanField(help_text="Whether this request was made with this token.")
    )
    def get_current(self, token: ApiToken) -> bool:
        return bool(token.digest == self.context.get("digest"))


class TokensRevokedSerializer(serializers.Serializer[Any]):
    revoked = serializers.IntegerField(
        help_text="How many live tokens were revoked (0: it was revoked already)."
    )


def _tokens_body(request: Request, user_id: int) -> Any:
    tokens = selectors.api_tokens_live(actor=acting_user(request), user_id=user_id)
    digest = services.token_digest(str(request.auth)) if request.auth else ""
    return ApiTokenSerializer(tokens, many=True, context={"digest": digest}).data


class ProfileLanguageSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(help_text="The language's name in itself.")


class ProfileSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(read_only=True)
    language = serializers.CharField(
        max_length=10,
        allow_blank=True,
        help_text="The language Haven answers in (messages, errors, names); empty: the "
        "request's Accept-Language.",
    )
    languages = serializers.SerializerMethodField(help_text="The languages Haven ships.")

    @extend_schema_field(ProfileLanguageSerializer(many=True))
    def get_languages(self, user: Any) -> list[dict[str, str]]:
        return [{"code": code, "name": str(name)} for code, name in settings.LANGUAGES]


class ProfileView(JsonApiView):
    """One's own profile: the language Haven speaks to its holder."""

    @extend_schema(
        operation_id="api_profile",
        tags=["auth"],
        responses={200: ProfileSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(acting_user(request)).data)

    @extend_schema(
        operation_id="api_profile_update",
        tags=["auth"],
        request=ProfileSerializer,
        responses={200: ProfileSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
    )
    def patch(self, request: Request) -> Response:
        data = ProfileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_language_set(
            user=acting_user(request), language=data.validated_data["language"]
        )
        return Response(ProfileSerializer(user).data)


class TokenListView(JsonApiView):
    @extend_schema(
        operation_id="api_token_list",
        tags=["auth"],
        responses={200: ApiTokenSerializer(many=True), 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        return Response(_tokens_body(request, acting_user(request).pk))


class TokenRevokeView(JsonApiView):
    @extend_schema(
        operation_id="api_token_revoke",
        tags=["auth"],
        request=None,
        responses={200: TokensRevokedSerializer, 401: UNAUTHENTICATED, 404: TOKEN_NOT_FOUND},
    )
    def post(self, request: Request, id: int) -> Response:
        revoked = services.api_token_revoke(actor=acting_user(request), token_id=id)
        return Response(TokensRevokedSerializer({"revoked": revoked}).data)


class MemberTokenListView(JsonApiView):
    @extend_schema(
        operation_id="api_token_member_list",
        tags=["auth"],
        responses={
            200: ApiTokenSerializer(many=True),
            401: UNAUTHENTICATED,
            404: MEMBER_NOT_FOUND,
        },
    )
    def get(self, request: Request, user_id: int) -> Response:
        return Response(_tokens_body(request, user_id))


class MemberTokensRevokeView(JsonApiView):
    @extend_schema(
        operation_id="api_token_member_revoke_all",
        tags=["auth"],
        request=None,
        responses={200: TokensRevokedSerializer, 401: UNAUTHENTICATED, 404: MEMBER_NOT_FOUND},
    )
    def post(self, request: Request, user_id: int) -> Response:
        revoked = services.api_tokens_revoke_all(actor=acting_user(request), user_id=user_id)
        return Response(TokensRevokedSerializer({"revoked": revoked}).data)


urlpatterns: list[URLPattern] = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", TokenListView.as_view(), name="api_token_list"),
    path("auth/profile/", ProfileView.as_view(), name="api_profile"),
    path("auth/tokens/<int:id>/revoke/", TokenRevokeView.as_view(), name="api_token_revoke"),
    path(
        "auth/users/<int:user_id>/tokens/",
        MemberTokenListView.as_view(),
        name="api_token_member_list",
    ),
    path(
        "auth/users/<int:user_id>/tokens/revoke/",
        MemberTokensRevokeView.as_view(),
        name="api_token_member_revoke_all",
    ),
]
