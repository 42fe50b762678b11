"""POST /api/v1/linkage/check/: "is this person already known?", the same check and
the same answer as the intake page. Names go in the body, never in the URL.

The national coordinator's deduplication (the same services as the pages):
runs (GET list, POST start; GET one, for its progress), pairs (GET the review queue;
GET one pair side by side, each record's read audited; POST its decision), merges
(GET those waiting; GET one; POST approve or refuse; POST unmerge)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.cases.api.cases import CountryCodeField
from haven.cases.models import Sex
from haven.lib.api import (
    BAD_REQUEST,
    UNAUTHENTICATED,
    ErrorSerializer,
    JsonApiView,
    NamedChoiceField,
)
from haven.linkage import selectors, services
from haven.linkage.models import DedupeRun, Merge, PairReview, PairStatus
from haven.linkage.selectors import review as review_selectors
from haven.linkage.services import review

TAGS = ["linkage"]


class CheckRequestSerializer(serializers.Serializer[Any]):
    """What intake has typed so far (empty: not known)."""

    given_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    citizenships = serializers.ListField(
        child=CountryCodeField(), required=False, default=list, max_length=10
    )


class MatchSerializer(serializers.Serializer[Any]):
    """A case the caller may see that is probably this person."""

    case_id = serializers.UUIDField()
    reference = serializers.CharField()
    probability = serializers.FloatField(help_text="Calibrated probability of one person, 0-1.")
    band = serializers.ChoiceField(choices=[band.key for band in selectors.BANDS])
    band_label = serializers.CharField()


class KnownElsewhereSerializer(serializers.Serializer[Any]):
    """A likely match under a case the caller may not see: never its case, reference,
    name or probability; the national coordinator is told when the case is opened."""

    band = serializers.ChoiceField(choices=[band.key for band in selectors.BANDS])
    band_label = serializers.CharField()
    detail = serializers.CharField()


class CheckAnswerSerializer(serializers.Serializer[Any]):
    checked = serializers.BooleanField(
        help_text="False: too little was given (a family name, and a given name or a date "
        "of birth, are needed); nothing was read."
    )
    matches = MatchSerializer(many=True)
    known_elsewhere = KnownElsewhereSerializer(allow_null=True)
    search_token = serializers.CharField(
        help_text="Post it with the case (POST /api/v1/cases/) when HAVEN_LINKAGE_REQUIRE_SEARCH "
        "is on; empty when nothing was checked."
    )


def _body(answer: services.CheckAnswer) -> dict[str, Any]:
    hidden = answer.known_elsewhere
    return {
        "checked": answer.checked,
        "matches": [
            {
                "case_id": match.case_id,
                "reference": match.reference,
                "probability": round(match.probability, 3),
                "band": match.band.key,
                "band_label": str(match.band.label),
            }
            for match in answer.matches
        ],
        "known_elsewhere": {
            "band": hidden.key,
            "band_label": str(hidden.label),
            "detail": services.KNOWN_ELSEWHERE,
        }
        if hidden
        else None,
        "search_token": answer.search_token,
    }


class CheckView(JsonApiView):
    @extend_schema(
        operation_id="linkage_check",
        tags=TAGS,
        request=CheckRequestSerializer,
        responses={
            200: CheckAnswerSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer, description="role_not_allowed: only those who open cases."
            ),
            429: OpenApiResponse(
                ErrorSerializer, description="check_rate_limited: too many checks, wait."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = CheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        born = values.get("date_of_birth")
        identity = selectors.identity_typed(
            given_name=values.get("given_name", ""),
            family_name=values.get("family_name", ""),
            sex=values["sex"],
            date_of_birth=born.isoformat() if born else "",
            citizenships=",".join(values["citizenships"]),
        )
        answer = services.intake_check(actor=acting_user(request), identity=identity)
        return Response(CheckAnswerSerializer(_body(answer)).data)


@extend_schema_field(
    {"type": "string", "enum": DedupeRun.Status.values}, component_name="DedupeRunStatus"
)
class RunStatusField(NamedChoiceField):
    CHOICES = DedupeRun.Status.values


@extend_schema_field({"type": "string", "enum": PairStatus.values}, component_name="PairStatus")
class PairStatusField(NamedChoiceField):
    CHOICES = PairStatus.values


@extend_schema_field({"type": "string", "enum": Merge.Status.values}, component_name="MergeStatus")
class MergeStatusField(NamedChoiceField):
    CHOICES = Merge.Status.values


NOT_COORDINATOR = OpenApiResponse(
    ErrorSerializer,
    description="not_coordinator: only staff of the national coordinator review duplicates.",
)
DECISION_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="not_coordinator, not_coordinator_supervisor, or own_proposal (four eyes).",
)


def _not_found(what: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer, description=f"No {what} with this id in the caller's country."
    )


class RunSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = RunStatusField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    total = serializers.IntegerField(help_text="Persons to decrypt and compare.")
    processed = serializers.IntegerField()
    percent = serializers.IntegerField()
    pairs_compared = serializers.IntegerField()
    pairs_found = serializers.IntegerField()
    pairs_queued = serializers.IntegerField(help_text="New pairs in the review queue.")


def _run(run: DedupeRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "total": run.total,
        "processed": run.processed,
        "percent": run.percent,
        "pairs_compared": run.pairs_compared,
        "pairs_found": run.pairs_found,
        "pairs_queued": run.pairs_queued,
    }


class RunListView(JsonApiView):
    @extend_schema(
        operation_id="linkage_run_list",
        tags=TAGS,
        responses={200: RunSerializer(many=True), 401: UNAUTHENTICATED, 403: NOT_COORDINATOR},
    )
    def get(self, request: Request) -> Response:
        runs = review_selectors.runs(acting_user(request))
        return Response(RunSerializer([_run(run) for run in runs], many=True).data)

    @extend_schema(
        operation_id="linkage_run_start",
        tags=TAGS,
        request=None,
        responses={
            202: RunSerializer,
            401: UNAUTHENTICATED,
            403: NOT_COORDINATOR,
            409: OpenApiResponse(ErrorSerializer, description="run_in_progress: one at a time."),
        },
    )
    def post(self, request: Request) -> Response:
        run = review.run_start(actor=acting_user(request))
        return Response(RunSerializer(_run(run)).data, status=202)


class RunDetailView(JsonApiView):
    @extend_schema(
        operation_id="linkage_run_detail",
        tags=TAGS,
        responses={
            200: RunSerializer,
            401: UNAUTHENTICATED,
            403: NOT_COORDINATOR,
            404: _not_found("run"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        run = review_selectors.run_for(acting_user(request), id)
        return Response(RunSerializer(_run(run)).data)


class PairRowSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    probability = serializers.FloatField()
    status = PairStatusField()
    case_a = serializers.CharField(help_text="The pseudonymous reference of one case.")
    case_b = serializers.CharField()
    found_at = serializers.DateTimeField()


class PairPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = PairRowSerializer(many=True)


def _pair_row(pair: PairReview) -> dict[str, Any]:
    return {
        "id": pair.id,
        "probability": round(pair.probability, 3),
        "status": pair.status,
        "case_a": pair.person_a.case.reference,
        "case_b": pair.person_b.case.reference,
        "found_at": pair.found_at,
    }


class PairListView(JsonApiView):
    @extend_schema(
        operation_id="linkage_pair_list",
        tags=TAGS,
        parameters=[OpenApiParameter("page", int, required=False)],
        responses={200: PairPageSerializer, 401: UNAUTHENTICATED, 403: NOT_COORDINATOR},
    )
    def get(self, request: Request) -> Response:
        page = review_selectors.queue(
            acting_user(request), page=request.query_params.get("page", "1")
        )
        body = {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [_pair_row(pair) for pair in page],
        }
        return Response(PairPageSerializer(body).data)


class SideSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    reference = serializers.CharField()
    lead = serializers.CharField()
    opened_on = serializers.DateField()
    given_name = serializers.CharField(allow_blank=True, help_text="As written.")
    family_name = serializers.CharField(allow_blank=True)
    given_normalised = serializers.CharField(allow_blank=True)
    family_normalised = serializers.CharField(allow_blank=True)
    date_of_birth = serializers.CharField(allow_blank=True)
    sex = serializers.CharField()
    citizenships = serializers.ListField(child=serializers.CharField())
    merged_into = serializers.CharField(allow_blank=True)


class MergeSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    pair = serializers.UUIDField()
    status = MergeStatusField()
    surviving = serializers.CharField(help_text="The surviving case's reference.")
    absorbed = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reversed_at = serializers.DateTimeField(allow_null=True)


def _merge(merge: Merge) -> dict[str, Any]:
    return {
        "id": merge.id,
        "pair": merge.pair_id,
        "status": merge.status,
        "surviving": merge.surviving.reference,
        "absorbed": merge.absorbed.reference,
        "proposed_at": merge.proposed_at,
        "decided_at": merge.decided_at,
        "reversed_at": merge.reversed_at,
    }


class PairDetailSerializer(PairRowSerializer):
    reason = serializers.CharField(allow_blank=True)
    sides = SideSerializer(many=True)
    merges = MergeSerializer(many=True)


class PairDetailView(JsonApiView):
    @extend_schema(
        operation_id="linkage_pair_detail",
        tags=TAGS,
        responses={
            200: PairDetailSerializer,
            401: UNAUTHENTICATED,
            403: NOT_COORDINATOR,
            404: _not_found("pair"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        pair, sides = review.pair_compare(actor=acting_user(request), pair_id=id)
        body = {
            **_pair_row(pair),
            "reason": pair.reason,
            "sides": [side.__dict__ for side in sides],
            "merges": [_merge(m) for m in review_selectors.merges_of(pair)],
        }
        return Response(PairDetailSerializer(body).data)


class DecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["same", "not_same"])
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    keep = serializers.ChoiceField(
        choices=["", "a", "b"],
        default="",
        help_text="With same: the case that survives (a or b); empty: the one opened first.",
    )


class DecisionAnswerSerializer(serializers.Serializer[Any]):
    pair = PairRowSerializer()
    merge = MergeSerializer(allow_null=True)


class PairDecisionView(JsonApiView):
    @extend_schema(
        operation_id="linkage_pair_decide",
        tags=TAGS,
        request=DecisionSerializer,
        responses={
            200: DecisionAnswerSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: NOT_COORDINATOR,
            404: _not_found("pair"),
            409: OpenApiResponse(
                ErrorSerializer, description="pair_decided, or case_not_mergeable."
            ),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = acting_user(request)
        merge = review.pair_decide(
            actor=user,
            pair_id=id,
            same=values["decision"] == "same",
            reason=values["reason"],
            keep=values["keep"],
        )
        pair = review_selectors.pair_for(user, id)
        body = {"pair": _pair_row(pair), "merge": _merge(merge) if merge else None}
        return Response(DecisionAnswerSerializer(body).data)


class MergeListView(JsonApiView):
    @extend_schema(
        operation_id="linkage_merge_list",
        tags=TAGS,
        responses={200: MergeSerializer(many=True), 401: UNAUTHENTICATED, 403: NOT_COORDINATOR},
    )
    def get(self, request: Request) -> Response:
        merges = review_selectors.merges_pending(acting_user(request))
        return Response(MergeSerializer([_merge(m) for m in merges], many=True).data)


class MergeDetailView(JsonApiView):
    @extend_schema(
        operation_id="linkage_merge_detail",
        tags=TAGS,
        responses={
            200: MergeSerializer,
            401: UNAUTHENTICATED,
            403: NOT_COORDINATOR,
            404: _not_found("merge"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        merge = review_selectors.merge_for(acting_user(request), id)
        return Response(MergeSerializer(_merge(merge)).data)


class ApproveSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text="True: merge the cases; false: refuse.")
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


MERGE_RESPONSES: dict[int, Any] = {
    200: MergeSerializer,
    400: BAD_REQUEST,
    401: UNAUTHENTICATED,
    403: DECISION_REFUSED,
    404: _not_found("merge"),
    409: OpenApiResponse(ErrorSerializer, description="merge_decided, or case_not_mergeable."),
}


class MergeApproveView(JsonApiView):
    @extend_schema(
        operation_id="linkage_merge_approve",
        tags=TAGS,
        request=ApproveSerializer,
        responses=MERGE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = review.merge_decide(
            actor=acting_user(request),
            merge_id=id,
            approve=data.validated_data["approve"],
            reason=data.validated_data["reason"],
        )
        return Response(MergeSerializer(_merge(merge)).data)


class UnmergeView(JsonApiView):
    @extend_schema(
        operation_id="linkage_merge_unmerge",
        tags=TAGS,
        request=ReasonSerializer,
        responses=MERGE_RESPONSES,
    )
    def post(self, request: Request, id: str) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merge = review.unmerge(
            actor=acting_user(request), merge_id=id, reason=data.validated_data["reason"]
        )
        return Response(MergeSerializer(_merge(merge)).data)


urlpatterns: list[URLPattern] = [
    path("linkage/check/", CheckView.as_view(), name="linkage_check"),
    path("linkage/runs/", RunListView.as_view(), name="linkage_run_list"),
    path("linkage/runs/<uuid:id>/", RunDetailView.as_view(), name="linkage_run_detail"),
    path("linkage/pairs/", PairListView.as_view(), name="linkage_pair_list"),
    path("linkage/pairs/<uuid:id>/", PairDetailView.as_view(), name="linkage_pair_detail"),
    path(
        "linkage/pairs/<uuid:id>/decision/",
        PairDecisionView.as_view(),
        name="linkage_pair_decide",
    ),
    path("linkage/merges/", MergeListView.as_view(), name="linkage_merge_list"),
    path("linkage/merges/<uuid:id>/", MergeDetailView.as_view(), name="linkage_merge_detail"),
    path(
        "linkage/merges/<uuid:id>/approve/",
        MergeApproveView.as_view(),
        name="linkage_merge_approve",
    ),
    path("linkage/merges/<uuid:id>/unmerge/", UnmergeView.as_view(), name="linkage_merge_unmerge"),
]
