"""Identification decisions under /api/v1/ (R-10, R-17): the same services and
selectors as the pages. The decision letter's words come as JSON, in the language
chosen for the person or the one asked for (the PDF is the page's ``letter.pdf``).

A case or decision the caller may not know about is a 404 identical to a
missing one. Domain errors answer ``{"code", "detail", "field"}`` with their
status (``haven.lib.api.api_exception_handler``).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.cases.api import CASE_ID, NOT_FOUND, IdentificationStatusField
from haven.identification import letters
from haven.identification.models import Outcome, Reconsideration, ServedTo
from haven.identification.selectors import decisions as selectors
from haven.identification.selectors import letters as letter_selectors
from haven.identification.services import decisions as services
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

DECISION_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The decision's id."
)
DECISION_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="decision_not_found: the same answer for a missing decision and a hidden one.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed (your organisation does not see the legal group), "
    "or org_type_may_not_decide (the pathway names who takes this decision).",
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="previous_decision_required, minimum_gap_not_reached (the detail names the "
    "earliest date), decision_already_recorded, transition_not_allowed, reflection_exists, "
    "person_erased. A decision dated before the pathway was reopened answers 400 "
    "decision_date_invalid.",
)


class DecisionCreateSerializer(serializers.Serializer[Any]):
    decision_type = serializers.CharField(
        max_length=40,
        help_text="A decision type of the case's national pathway, e.g. reasonable_grounds.",
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    # Blank reasons reach the service, which answers with code reasons_required.
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000, trim_whitespace=False
    )
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    # Required; a blank one reaches the service, which answers legal_basis_required.
    legal_basis = serializers.CharField(allow_blank=True, max_length=200)
    served_to = serializers.ChoiceField(
        choices=ServedTo.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the person for adults and to the representative for a child; "
        "a child is never served directly (R-10, R-17).",
    )


class ReconsiderationReadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    requested_on = serializers.DateField()
    recorded_by = serializers.CharField()
    status = serializers.ChoiceField(choices=Reconsideration.Status.choices)
    grounds = serializers.CharField(help_text="Empty once the person's data is erased.")
    new_decision_id = serializers.UUIDField(allow_null=True)


class DecisionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    case_reference = serializers.CharField()
    decision_type = serializers.CharField()
    type_label = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    decided_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()
    backdated = serializers.BooleanField(
        help_text="Dated before the day it was recorded; the reflection period and the gap "
        "to the next decision count from the day it was recorded (R-15, R-17)."
    )
    decided_by = serializers.CharField()
    organisation = serializers.CharField()
    standard_of_proof = serializers.CharField()
    legal_basis = serializers.CharField()
    reasons = serializers.CharField(help_text="Empty once the person's data is erased.")
    served_to = serializers.ChoiceField(choices=ServedTo.choices)
    to_status = IdentificationStatusField(
        allow_null=True,
        help_text="The status the decision led to; null when the case already had it.",
    )
    reconsiderations = ReconsiderationReadSerializer(many=True)
    may_request_reconsideration = serializers.BooleanField()
    round = serializers.IntegerField(
        help_text="The round of the identification pathway the decision belongs to, 1 for the "
        "first. The pathway reopens when the status changes back to potential after the "
        "person withdrew, declined formal identification or was not identified (R-01)."
    )
    earlier_round = serializers.BooleanField(
        help_text="Taken before the pathway was last reopened: kept as history; the order of "
        "the pathway is checked against the decisions of the current round only (R-17)."
    )


class NextDecisionSerializer(serializers.Serializer[Any]):
    decision_type = serializers.CharField(source="decision_type.key")
    type_label = serializers.CharField(
        source="decision_type.shown_label", help_text="In the request's language."
    )
    available = serializers.BooleanField(
        help_text="The order of the pathway's current round allows it now (R-17)."
    )
    may_take = serializers.BooleanField(help_text="Your organisation type may take it.")
    blocked_code = serializers.CharField(help_text="Why it is not available now; else empty.")
    blocked_reason = serializers.CharField()
    earliest_on = serializers.DateField(allow_null=True)


class NextStepsSerializer(serializers.Serializer[Any]):
    identification_status = IdentificationStatusField(source="case.identification_status")
    status_changes = serializers.ListField(
        child=IdentificationStatusField(),
        help_text="The plain status changes allowed now (POST /cases/{id}/transitions/). "
        "Presumed, identified and not identified are never listed: only a decision sets them.",
    )
    reopens = serializers.BooleanField(
        help_text="A change back to potential reopens the pathway: a new round starts, in which "
        "a new reasonable-grounds decision can be taken (R-01)."
    )
    decisions = NextDecisionSerializer(many=True)


class ReconsiderationCreateSerializer(serializers.Serializer[Any]):
    # Blank grounds reach the service, which answers with code grounds_required.
    grounds = serializers.CharField(allow_blank=True, max_length=10000, trim_whitespace=False)
    requested_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReconsiderationCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    decision_id = serializers.UUIDField()
    requested_on = serializers.DateField()
    status = serializers.ChoiceField(choices=Reconsideration.Status.choices)


LETTER_LANG = OpenApiParameter(
    "lang",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=letters.offered(),
    description="The letter's language, one Haven ships. By default the person's first "
    "language when Haven ships it, else the first of their other languages that ships, "
    "else yours (the person's languages are read only when you see the identity group). "
    "Any other code answers 400 language_not_offered: the page falls back only from the "
    "person's recorded languages, never from a code asked for.",
)


class LetterFactSerializer(serializers.Serializer[Any]):
    # "label" would shadow the serializer field's own attribute.
    name = serializers.CharField(source="label")
    value = serializers.CharField()


class LetterSectionSerializer(serializers.Serializer[Any]):
    key = serializers.ChoiceField(choices=["decided", "reasons", "law", "reconsideration"])
    heading = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    quote = serializers.CharField(
        help_text="The decision-maker's reasons as written (free text, not translated); "
        "empty in the other sections and once the person's data is erased."
    )
    facts = LetterFactSerializer(many=True)


class DecisionLetterSerializer(serializers.Serializer[Any]):
    decision_id = serializers.UUIDField(source="decision.id")
    case_id = serializers.UUIDField(source="decision.case_id")
    language = serializers.CharField(
        source="language.code", help_text="The language the letter's words are in."
    )
    direction = serializers.ChoiceField(choices=["ltr", "rtl"], source="language.direction")
    language_reason = serializers.ChoiceField(
        choices=[reason.value for reason in letters.Reason],
        source="language.reason",
        help_text="chosen (lang given), first_language, other_language (the first language is "
        "not shipped), or your own language: not_offered (none of the person's languages is "
        "shipped: ask an interpreter to read it to the person), not_recorded, not_shown (you "
        "do not see the person's languages).",
    )
    person_language = serializers.CharField(
        source="language.person_language",
        help_text="The person's first language (ISO 639-1) when it chose the letter's "
        "language; else empty.",
    )
    to = serializers.CharField(source="words.to")
    addressee = serializers.CharField(source="words.addressee")
    facts = LetterFactSerializer(many=True, source="words.facts")
    title = serializers.CharField(source="words.title")
    notice = serializers.CharField(
        source="words.notice", help_text="For a child's letter (R-10, R-17); else empty."
    )
    sections = LetterSectionSerializer(many=True, source="words.sections")


class CaseDecisionsView(JsonApiView):
    @extend_schema(
        operation_id="decision_list",
        tags=["identification"],
        parameters=[CASE_ID],
        responses={
            200: DecisionSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        found = selectors.decision_list(user=acting_user(request), case_id=id)
        return Response(DecisionSerializer(found.decisions, many=True).data)

    @extend_schema(
        operation_id="decision_record",
        tags=["identification"],
        parameters=[CASE_ID],
        request=DecisionCreateSerializer,
        responses={
            201: DecisionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = DecisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        decision = services.decision_record(actor=user, case_id=id, **data.validated_data)
        view = selectors.decision_get(user=user, decision_id=decision.id)
        location = reverse("api:decision_detail", kwargs={"id": decision.id})
        return Response(
            DecisionSerializer(view).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class NextStepsView(JsonApiView):
    @extend_schema(
        operation_id="identification_next_steps",
        tags=["identification"],
        parameters=[CASE_ID],
        responses={
            200: NextStepsSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        found = selectors.next_steps(user=acting_user(request), case_id=id)
        return Response(NextStepsSerializer(found).data)


class DecisionDetailView(JsonApiView):
    @extend_schema(
        operation_id="decision_read",
        tags=["identification"],
        parameters=[DECISION_ID],
        responses={
            200: DecisionSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: DECISION_NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        view = selectors.decision_get(user=acting_user(request), decision_id=id)
        return Response(DecisionSerializer(view).data)


class ReconsiderationsView(JsonApiView):
    @extend_schema(
        operation_id="reconsideration_request",
        tags=["identification"],
        parameters=[DECISION_ID],
        request=ReconsiderationCreateSerializer,
        responses={
            201: ReconsiderationCreatedSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: DECISION_NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="reconsideration_of_positive_decision, decision_superseded, "
                "decision_in_earlier_round, reconsideration_open, person_erased.",
            ),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        data = ReconsiderationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.reconsideration_request(
            actor=acting_user(request), decision_id=id, **data.validated_data
        )
        return Response(
            ReconsiderationCreatedSerializer(created).data, status=status.HTTP_201_CREATED
        )


class DecisionLetterView(JsonApiView):
    @extend_schema(
        operation_id="decision_letter_read",
        tags=["identification"],
        parameters=[DECISION_ID, LETTER_LANG],
        responses={
            200: DecisionLetterSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="language_not_offered: lang is not shipped."
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: DECISION_NOT_FOUND,
        },
    )
    def get(self, request: Request, id: str) -> Response:
        letter = letter_selectors.decision_letter(
            user=acting_user(request),
            decision_id=id,
            language=str(request.query_params.get("lang", "")),
        )
        return Response(DecisionLetterSerializer(letter).data)


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/decisions/", CaseDecisionsView.as_view(), name="case_decisions"),
    path("cases/<str:id>/next-steps/", NextStepsView.as_view(), name="identification_next_steps"),
    path("decisions/<str:id>/", DecisionDetailView.as_view(), name="decision_detail"),
    path("decisions/<str:id>/letter/", DecisionLetterView.as_view(), name="decision_letter"),
    path(
        "decisions/<str:id>/reconsiderations/",
        ReconsiderationsView.as_view(),
        name="decision_reconsiderations",
    ),
]
