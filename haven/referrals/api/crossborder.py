"""Cross-border referral packages under /api/v1/ (R-13, R-48, R-50): the same
services as the pages and the ``haven crossborder`` command.

- POST cases/{id}/crossborder/export/ answers with the package itself;
- POST crossborder/import/ with ``confirm`` false previews (nothing written),
  true imports (everything or nothing);
- GET crossborder/transfers/ lists the transfers of the caller's cases.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView
from haven.referrals import packages
from haven.referrals.selectors import crossborder as selectors
from haven.referrals.services import crossborder as services

FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="not_case_lead, consent_not_covering or role_not_allowed.",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="crossborder_not_configured (no focal point keys here), package_replayed "
    "or person_erased.",
)
PACKAGE_ERRORS = OpenApiResponse(
    ErrorSerializer,
    description="package_tampered (any changed byte), package_expired, package_misaddressed, "
    "package_unknown_sender, package_invalid; or field errors.",
)


class HeaderSerializer(serializers.Serializer[Any]):
    format = serializers.CharField()
    package_id = serializers.UUIDField()
    kind = serializers.CharField(help_text="referral or acknowledgement.")
    sender = serializers.CharField(help_text="The sending focal point id.")
    recipient = serializers.CharField(help_text="The receiving focal point id.")
    created_at = serializers.CharField(help_text="UTC, YYYY-MM-DDTHH:MM:SSZ.")
    expires_at = serializers.CharField(help_text="UTC, YYYY-MM-DDTHH:MM:SSZ.")


class PackageSerializer(serializers.Serializer[Any]):
    """The package: readable header, encrypted payload, Ed25519 signature (base64)."""

    format = serializers.CharField()
    header = HeaderSerializer()
    ephemeral_key = serializers.CharField()
    nonce = serializers.CharField()
    ciphertext = serializers.CharField()
    signature = serializers.CharField()


class ExportSerializer(serializers.Serializer[Any]):
    partner_id = serializers.UUIDField(help_text="A registered partner focal point.")
    stage = serializers.CharField(
        help_text="TRM stage (R-13): identification, first_assistance, long_term_assistance, "
        "return or proceedings."
    )
    consent_id = serializers.UUIDField(
        help_text="The live consent (return or assistance, for a national coordinator or an "
        "international organisation) that covers the hand-over."
    )


class ImportSerializer(serializers.Serializer[Any]):
    package = serializers.JSONField(help_text="The package, as exported.")
    confirm = serializers.BooleanField(
        default=False, help_text="false: preview only, nothing written; true: import."
    )


class AssessmentSummarySerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    assessed_on = serializers.CharField()


class PreviewSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="referral or acknowledgement.")
    package_id = serializers.UUIDField()
    sender = serializers.CharField(help_text="The sending focal point id.")
    sender_organisation = serializers.CharField()
    case_reference = serializers.CharField(
        allow_null=True, help_text="The pseudonymous reference at the sender."
    )
    stage = serializers.CharField(allow_null=True)
    identification_status = serializers.CharField(allow_null=True)
    type_of_exploitation = serializers.ListField(child=serializers.CharField())
    treat_as_child = serializers.BooleanField(allow_null=True)
    consent = serializers.DictField(allow_null=True)
    assessments = AssessmentSummarySerializer(many=True)
    acknowledges = serializers.CharField(allow_null=True)


class ImportedSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="referral or acknowledgement.")
    transfer_id = serializers.UUIDField()
    case_id = serializers.UUIDField(allow_null=True, help_text="The case created, for a referral.")


class TransferSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    package_id = serializers.UUIDField()
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    case_id = serializers.UUIDField(allow_null=True)
    case_reference = serializers.CharField()
    partner = serializers.CharField()
    partner_focal_point_id = serializers.CharField()
    stage = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    ack_overdue = serializers.BooleanField()


def _preview(received: services.Received) -> dict[str, Any]:
    payload = received.payload
    referral = received.kind == packages.KIND_REFERRAL
    return {
        "kind": received.kind,
        "package_id": received.header.package_id,
        "sender": received.partner.focal_point_id,
        "sender_organisation": received.partner.organisation_name,
        "case_reference": payload.get("case_reference") if referral else None,
        "stage": payload.get("stage") if referral else None,
        "identification_status": payload.get("identification_status") if referral else None,
        "type_of_exploitation": payload.get("type_of_exploitation", []) if referral else [],
        "treat_as_child": payload.get("treat_as_child") if referral else None,
        "consent": payload.get("consent") if referral else None,
        "assessments": [
            {"kind": a["kind"], "assessed_on": str(a.get("assessed_on", ""))}
            for a in received.assessments
        ],
        "acknowledges": None if referral else str(payload.get("acknowledges", "")),
    }


class ExportView(JsonApiView):
    @extend_schema(
        operation_id="crossborder_export",
        tags=["referrals"],
        parameters=[CASE_ID],
        request=ExportSerializer,
        responses={
            201: PackageSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ExportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exported = services.crossborder_export(
            actor=acting_user(request),
            case_id=id,
            partner_id=data.validated_data["partner_id"],
            stage=data.validated_data["stage"],
            consent_id=data.validated_data["consent_id"],
        )
        envelope = packages.envelope_parse(exported.package)
        return Response(envelope.raw, status=status.HTTP_201_CREATED)


class ImportView(JsonApiView):
    @extend_schema(
        operation_id="crossborder_import",
        tags=["referrals"],
        request=ImportSerializer,
        responses={
            200: PreviewSerializer,
            201: ImportedSerializer,
            400: PACKAGE_ERRORS,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                ErrorSerializer, description="transfer_not_found: an unknown acknowledgement."
            ),
            409: CONFLICT,
        },
    )
    def post(self, request: Request) -> Response:
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        package = data.validated_data["package"]
        if not isinstance(package, (dict, str)):
            package = ""  # refused as tampered by the parser
        user = acting_user(request)
        if not data.validated_data["confirm"]:
            received = services.crossborder_preview(actor=user, package=package)
            return Response(PreviewSerializer(_preview(received)).data)
        imported = services.crossborder_import(actor=user, package=package)
        body = {
            "kind": imported.kind,
            "transfer_id": imported.transfer.id,
            "case_id": imported.case.id if imported.case else None,
        }
        return Response(ImportedSerializer(body).data, status=status.HTTP_201_CREATED)


class TransfersView(JsonApiView):
    @extend_schema(
        operation_id="crossborder_transfers",
        tags=["referrals"],
        responses={200: TransferSerializer(many=True), 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.transfer_list(user=acting_user(request))
        return Response(TransferSerializer(rows, many=True).data)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/crossborder/export/", ExportView.as_view(), name="crossborder_export"),
    path("crossborder/import/", ImportView.as_view(), name="crossborder_import"),
    path("crossborder/transfers/", TransfersView.as_view(), name="crossborder_transfers"),
]
