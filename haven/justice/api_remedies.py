"""The person's remedies under /api/v1/ (legal group): proceedings and their
stages (R-34), protective measures (R-37), legal aid (R-35), compensation claims
and confiscated assets (R-36), and possible compelled offences (R-33). The same
services and selector as the pages; every answer is the whole remedies file of
the case, as ``GET .../remedies/`` gives it.

A case the caller may not know about, and a row of another case, are a 404
identical to a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.cases.api import CASE_ID
from haven.justice import selectors
from haven.justice import services_remedies as services
from haven.justice.api import GROUP_FORBIDDEN
from haven.justice.models import (
    AssetStatus,
    ClaimSource,
    ClaimStatus,
    LegalAidStatus,
    MeasureDecision,
    MeasureFor,
    MeasureKind,
    OffenceKind,
    PersonRole,
    ProceedingKind,
    ProceedingOutcome,
    ProceedingStage,
)
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)

TAGS = ["cases"]
DESCRIPTION = (
    "Legal group. A proceeding goes on whatever the person decides about cooperating "
    "(Directive 2011/36/EU Art. 9(1)); nothing here is ever read by an assistance rule, "
    "and a compelled offence never counts against the person (Art. 8, CETS Art. 26)."
)
ROW_ID = OpenApiParameter(
    "row", OpenApiTypes.INT, OpenApiParameter.PATH, description="The row's id on this case."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="case_not_found: no such case, or one outside your team; "
    "remedy_not_found: no such row on this case.",
)
REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="person_erased; proceeding_ended; measure_decided; transition_not_allowed.",
)


def _named(choices: type[models.TextChoices], name: str) -> Any:
    """A choice field published as its own schema component (``name``)."""
    field = type(f"{name}Field", (NamedChoiceField,), {"CHOICES": list(choices.values)})
    schema = {"type": "string", "enum": list(choices.values)}
    return extend_schema_field(schema, component_name=name)(field)


ProceedingKindField = _named(ProceedingKind, "ProceedingKind")
ProceedingStageField = _named(ProceedingStage, "ProceedingStage")
ProceedingOutcomeField = _named(ProceedingOutcome, "ProceedingOutcome")
PersonRoleField = _named(PersonRole, "ProceedingPersonRole")
MeasureKindField = _named(MeasureKind, "ProtectiveMeasureKind")
MeasureForField = _named(MeasureFor, "ProtectiveMeasureFor")
MeasureDecisionField = _named(MeasureDecision, "ProtectiveMeasureDecision")
LegalAidStatusField = _named(LegalAidStatus, "LegalAidStatus")
ClaimSourceField = _named(ClaimSource, "CompensationClaimSource")
ClaimStatusField = _named(ClaimStatus, "CompensationClaimStatus")
AssetStatusField = _named(AssetStatus, "ConfiscatedAssetStatus")
OffenceKindField = _named(OffenceKind, "CompelledOffenceKind")


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, **kwargs)


# --- what is read ----------------------------------------------------------------------------


class ProceedingStageChangeReadSerializer(serializers.Serializer[Any]):
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    changed_on = serializers.DateField()
    outcome = serializers.CharField(help_text="Empty unless the move ended the proceeding.")


class ProtectiveMeasureReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    for_whom = serializers.CharField()
    asked_on = serializers.DateField()
    decision = serializers.CharField(help_text="pending, granted or refused.")
    decided_on = serializers.DateField(allow_null=True)


class ProceedingReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    stage = serializers.CharField()
    authority = serializers.CharField()
    person_role = serializers.CharField()
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    stage_changes = ProceedingStageChangeReadSerializer(many=True)
    measures = ProtectiveMeasureReadSerializer(many=True)


class ConfiscatedAssetReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    description = serializers.CharField()
    estimated_value = _amount()
    status = serializers.CharField()


class CompensationClaimReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.source
    status = serializers.CharField()
    proceeding_id = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    amount_claimed = _amount()
    amount_awarded = _amount()
    amount_paid = _amount(help_text="What the person actually received.")
    filed_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    assets = ConfiscatedAssetReadSerializer(many=True)


class LegalAidReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    counsel_organisation = serializers.CharField()
    counsel_name = serializers.CharField(help_text="Empty once the person's data is erased.")
    free_aid = serializers.CharField()
    applied_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    proceeding_id = serializers.IntegerField(allow_null=True)
    claim_id = serializers.IntegerField(allow_null=True)


class CompelledOffenceReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    offence = serializers.CharField(help_text="Empty once the person's data is erased.")
    link = serializers.CharField(help_text="How the offence follows from the exploitation.")
    recorded_on = serializers.DateField()


class RemediesCooperationSerializer(serializers.Serializer[Any]):
    cooperates_with_authorities = serializers.BooleanField()
    is_witness = serializers.BooleanField()
    recorded_on = serializers.DateField()


class RemediesFileSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    cooperation = RemediesCooperationSerializer(
        allow_null=True, help_text="The person's current cooperation choice, shown beside."
    )
    proceedings = ProceedingReadSerializer(many=True)
    compensation_claims = CompensationClaimReadSerializer(many=True)
    legal_aid = LegalAidReadSerializer(many=True)
    compelled_offences = CompelledOffenceReadSerializer(many=True)


def _body(found: selectors.RemediesFile) -> Any:
    proceedings = [
        {
            **vars(p.proceeding),
            "id": p.proceeding.pk,
            "stage_changes": [vars(c) for c in p.stage_changes],
            "measures": [{**vars(m), "id": m.pk} for m in p.measures],
        }
        for p in found.proceedings
    ]
    claims = [
        {**vars(c.claim), "id": c.claim.pk, "assets": [{**vars(a), "id": a.pk} for a in c.assets]}
        for c in found.claims
    ]
    aid = [{**vars(a.aid), "id": a.aid.pk, "counsel_name": a.counsel_name} for a in found.legal_aid]
    offences = [
        {**vars(o.flag), "id": o.flag.pk, "offence": o.offence, "link": o.link}
        for o in found.offences
    ]
    return RemediesFileSerializer(
        {
            "case_id": found.case.id,
            "cooperation": found.cooperation,
            "proceedings": proceedings,
            "compensation_claims": claims,
            "legal_aid": aid,
            "compelled_offences": offences,
        }
    ).data


class RemediesView(JsonApiView):
    @extend_schema(
        operation_id="remedies_read",
        tags=TAGS,
        parameters=[CASE_ID],
        description=DESCRIPTION,
        responses={
            200: RemediesFileSerializer,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(_body(selectors.remedies_file(user=acting_user(request), case_id=id)))


# --- what is written -------------------------------------------------------------------------


class ProceedingCreateSerializer(serializers.Serializer[Any]):
    kind = ProceedingKindField()
    stage = ProceedingStageField(help_text="The stage now; not ended.")
    authority = serializers.CharField(help_text="The court or authority, never a person.")
    person_role = PersonRoleField()
    started_on = serializers.DateField()


class ProceedingStageChangeSerializer(serializers.Serializer[Any]):
    to_stage = ProceedingStageField()
    changed_on = serializers.DateField()
    outcome = ProceedingOutcomeField(required=False, help_text="Needed to end the proceeding.")


class ProtectiveMeasureCreateSerializer(serializers.Serializer[Any]):
    kind = MeasureKindField()
    for_whom = MeasureForField()
    asked_on = serializers.DateField()


class ProtectiveMeasureDecisionSerializer(serializers.Serializer[Any]):
    decision = MeasureDecisionField(help_text="granted or refused.")
    decided_on = serializers.DateField()


class LegalAidStatusSerializer(serializers.Serializer[Any]):
    free_aid = LegalAidStatusField()
    applied_on = serializers.DateField(required=False, allow_null=True)
    decided_on = serializers.DateField(required=False, allow_null=True)


class LegalAidCreateSerializer(LegalAidStatusSerializer):
    counsel_organisation = serializers.CharField(required=False, allow_blank=True)
    counsel_name = serializers.CharField(
        required=False, allow_blank=True, help_text="A lawyer's name: stored encrypted."
    )
    proceeding_id = serializers.IntegerField(required=False, allow_null=True)
    claim_id = serializers.IntegerField(required=False, allow_null=True)


class CompensationClaimCreateSerializer(serializers.Serializer[Any]):
    source = ClaimSourceField()
    amount_claimed = _amount(required=False)
    currency = serializers.CharField(required=False, default="EUR")
    filed_on = serializers.DateField(
        required=False, allow_null=True, help_text="Filed with this day; else being prepared."
    )
    proceeding_id = serializers.IntegerField(required=False, allow_null=True)


class CompensationClaimUpdateSerializer(serializers.Serializer[Any]):
    status = ClaimStatusField()
    amount_claimed = _amount(required=False)
    amount_awarded = _amount(required=False)
    amount_paid = _amount(required=False)
    filed_on = serializers.DateField(required=False, allow_null=True)
    decided_on = serializers.DateField(required=False, allow_null=True)
    paid_on = serializers.DateField(required=False, allow_null=True)


class ConfiscatedAssetCreateSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(help_text="What it is, never whose.")
    estimated_value = _amount(required=False)
    status = AssetStatusField()


class ConfiscatedAssetStatusSerializer(serializers.Serializer[Any]):
    status = AssetStatusField()


class CompelledOffenceCreateSerializer(serializers.Serializer[Any]):
    kind = OffenceKindField()
    offence = serializers.CharField(help_text="Stored encrypted.")
    link = serializers.CharField(help_text="Its link to the exploitation; stored encrypted.")
    recorded_on = serializers.DateField()


Write = Callable[[User, str, str, dict[str, Any]], object]


def _write_view(
    name: str, request_serializer: type[serializers.Serializer[Any]], write: Write, on_row: bool
) -> type[JsonApiView]:
    """A POST endpoint that makes one change and answers with the remedies file."""

    @extend_schema(
        operation_id=name,
        tags=TAGS,
        parameters=[CASE_ID, ROW_ID] if on_row else [CASE_ID],
        description=DESCRIPTION,
        request=request_serializer,
        responses={
            201: RemediesFileSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: GROUP_FORBIDDEN,
            404: NOT_FOUND,
            409: REFUSED,
        },
    )
    def post(self: JsonApiView, request: Request, id: str, row: str = "") -> Response:
        data = request_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        write(user, id, row, dict(data.validated_data))
        found = selectors.remedies_file(user=user, case_id=id)
        return Response(_body(found), status=status.HTTP_201_CREATED)

    return type(f"{name.title().replace('_', '')}View", (JsonApiView,), {"post": post})


WRITES: list[tuple[str, str, type[serializers.Serializer[Any]], Write]] = [
    (
        "cases/<str:id>/proceedings/",
        "proceeding_record",
        ProceedingCreateSerializer,
        lambda u, case, row, d: services.proceeding_record(actor=u, case_id=case, **d),
    ),
    (
        "cases/<str:id>/proceedings/<str:row>/stage/",
        "proceeding_stage_change",
        ProceedingStageChangeSerializer,
        lambda u, case, row, d: services.proceeding_stage_change(
            actor=u, case_id=case, proceeding_id=row, **d
        ),
    ),
    (
        "cases/<str:id>/proceedings/<str:row>/measures/",
        "protective_measure_request",
        ProtectiveMeasureCreateSerializer,
        lambda u, case, row, d: services.protective_measure_request(
            actor=u, case_id=case, proceeding_id=row, **d
        ),
    ),
    (
        "cases/<str:id>/protective-measures/<str:row>/decision/",
        "protective_measure_decide",
        ProtectiveMeasureDecisionSerializer,
        lambda u, case, row, d: services.protective_measure_decide(
            actor=u, case_id=case, measure_id=row, **d
        ),
    ),
    (
        "cases/<str:id>/legal-aid/",
        "legal_aid_record",
        LegalAidCreateSerializer,
        lambda u, case, row, d: services.legal_aid_record(actor=u, case_id=case, **d),
    ),
    (
        "cases/<str:id>/legal-aid/<str:row>/",
        "legal_aid_update",
        LegalAidStatusSerializer,
        lambda u, case, row, d: services.legal_aid_update(actor=u, case_id=case, aid_id=row, **d),
    ),
    (
        "cases/<str:id>/compensation-claims/",
        "compensation_claim_record",
        CompensationClaimCreateSerializer,
        lambda u, case, row, d: services.claim_record(actor=u, case_id=case, **d),
    ),
    (
        "cases/<str:id>/compensation-claims/<str:row>/",
        "compensation_claim_update",
        CompensationClaimUpdateSerializer,
        lambda u, case, row, d: services.claim_update(
            actor=u, case_id=case, claim_id=row, change=services.ClaimChange(**d)
        ),
    ),
    (
        "cases/<str:id>/compensation-claims/<str:row>/assets/",
        "confiscated_asset_record",
        ConfiscatedAssetCreateSerializer,
        lambda u, case, row, d: services.asset_record(actor=u, case_id=case, claim_id=row, **d),
    ),
    (
        "cases/<str:id>/confiscated-assets/<str:row>/status/",
        "confiscated_asset_status_change",
        ConfiscatedAssetStatusSerializer,
        lambda u, case, row, d: services.asset_status_change(
            actor=u, case_id=case, asset_id=row, **d
        ),
    ),
    (
        "cases/<str:id>/compelled-offences/",
        "compelled_offence_flag",
        CompelledOffenceCreateSerializer,
        lambda u, case, row, d: services.compelled_offence_flag(actor=u, case_id=case, **d),
    ),
]

urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/remedies/", RemediesView.as_view(), name="remedies"),
    *(
        path(route, _write_view(name, body, write, "<str:row>" in route).as_view(), name=name)
        for route, name, body, write in WRITES
    ),
]
