"""Children under /api/v1/: age assessments (R-10), guardians and representatives
(R-11), best interests (R-25, R-27), family tracing (R-11) and dependants (R-27).
The same services and selectors as the pages. A case the caller may not know about
is a 404 identical to a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.current import acting_user
from haven.accounts.models import User
from haven.cases.api import CASE_ID, NOT_FOUND
from haven.children import selectors, services
from haven.children.models import (
    AgeAssessmentMethod,
    AgeAssessmentResult,
    AgeRecordKind,
    AppealOutcome,
    BestInterestsMatter,
    BestInterestsStage,
    DependantRelationship,
    EducationAccess,
    GuardianKind,
    HowHeard,
    TracingStatus,
)
from haven.lib import locking
from haven.lib.api import BAD_REQUEST, UNAUTHENTICATED, ErrorSerializer, JsonApiView

GROUP_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group.",
)
CREATED = status.HTTP_201_CREATED
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="not_a_child: the person is not treated as a child (R-10); person_erased.",
)


class AppointmentSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=GuardianKind.choices)
    guardian_name = serializers.CharField(help_text="Empty once the person's data is erased.")
    contact = serializers.CharField(help_text="Empty when not known or erased.")
    organisation_name = serializers.CharField(help_text="Empty when none was given.")
    appointed_on = serializers.DateField()
    recorded_by = serializers.CharField()


class GuardiansSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    treat_as_child = serializers.BooleanField()
    appointment_due_at = serializers.DateTimeField(
        source="summary.due_at",
        allow_null=True,
        help_text="The open 'appoint a guardian' deadline, if any.",
    )
    appointment_overdue = serializers.BooleanField(source="summary.overdue")
    appointments = AppointmentSerializer(many=True, help_text="Latest first.")


class GuardianCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=GuardianKind.choices, default=GuardianKind.GUARDIAN)
    # A blank name reaches the service, which answers with code guardian_input_invalid.
    guardian_name = serializers.CharField(allow_blank=True, max_length=services.NAME_MAX)
    guardian_organisation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    appointed_on = serializers.DateField()
    contact = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.CONTACT_MAX
    )


Output = type[serializers.Serializer[Any]]


def _read_responses(output: Output, forbidden: OpenApiResponse) -> dict[int, Any]:
    """The schema's answers to reading a case's list."""
    return {200: output, 401: UNAUTHENTICATED, 403: forbidden, 404: NOT_FOUND}


def _write_responses(
    ok: int,
    output: Output,
    forbidden: OpenApiResponse,
    conflict: OpenApiResponse,
    not_found: OpenApiResponse = NOT_FOUND,
) -> dict[int, Any]:
    """The schema's answers to a write, which answers with the case's list."""
    return {
        ok: output,
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: forbidden,
        404: not_found,
        409: conflict,
    }


def _case_rows(
    read: Callable[..., Any], output: Output, *, user: User, case_id: object, status: int = 200
) -> Response:
    """The case's list (``read`` is its selector) in the endpoint's output shape."""
    return Response(output(read(user=user, case_id=case_id)).data, status=status)


def _written(
    request: Request, data: Output, write: Callable[..., Any], **ids: str
) -> tuple[User, Any]:
    """Validate the body and call the service ``write`` with it; the actor and the row."""
    body = data(data=request.data)
    body.is_valid(raise_exception=True)
    user = acting_user(request)
    return user, write(actor=user, **ids, **body.validated_data)


@dataclass(frozen=True)
class CaseRows:
    """A case's list and how a row is added to it."""

    read: Callable[..., Any]  # the selector of the list
    output: Output  # its answer's shape
    write: Callable[..., Any]  # the service that adds a row to the case
    create: Output  # its request body


class CaseRowsView(JsonApiView):
    """GET: the case's list; POST: add a row, answered with the list (201).
    Each subclass documents both operations with ``extend_schema_view``."""

    rows: ClassVar[CaseRows]

    def get(self, request: Request, id: str) -> Response:
        user = acting_user(request)
        return _case_rows(self.rows.read, self.rows.output, user=user, case_id=id)

    def post(self, request: Request, id: str) -> Response:
        rows = self.rows
        user, _row = _written(request, rows.create, rows.write, case_id=id)
        return _case_rows(rows.read, rows.output, user=user, case_id=id, status=CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="guardian_list",
        tags=["children"],
        parameters=[CASE_ID],
        responses=_read_responses(GuardiansSerializer, GROUP_FORBIDDEN),
    ),
    post=extend_schema(
        operation_id="guardian_appoint",
        tags=["children"],
        parameters=[CASE_ID],
        request=GuardianCreateSerializer,
        description="Record the guardian or representative of a child (R-11); closes the "
        "blocking 'appoint a guardian' deadline.",
        responses=_write_responses(CREATED, GuardiansSerializer, GROUP_FORBIDDEN, CONFLICT),
    ),
)
class GuardiansView(CaseRowsView):
    rows = CaseRows(
        selectors.guardian_list,
        GuardiansSerializer,
        services.guardian_appoint,
        GuardianCreateSerializer,
    )


# --- best interests, family tracing, dependants (R-25, R-27, R-11) ----------------------------

ASSESSMENT_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the assessment "
    "group; break_glass_read_only: emergency access never writes.",
)
IDENTITY_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the identity "
    "group; break_glass_read_only: emergency access never writes.",
)
CHILD_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="not_a_child: the person is not treated as a child (R-10); person_erased; "
    "assessment_required: a determination needs an earlier assessment of the same matter; "
    "tracing_under_way: one tracing at a time.",
)
EDIT_CONFLICT = (
    "edit_conflict (field version): it was changed since the version you read; "
    "nothing was saved, read it again and send your change on the new version."
)
TRACING_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="tracing_closed: an ended tracing stays ended; person_erased; " + EDIT_CONFLICT,
)
ERASED = OpenApiResponse(ErrorSerializer, description="person_erased.")
EDUCATION_CONFLICT = OpenApiResponse(ErrorSerializer, description="person_erased; " + EDIT_CONFLICT)
ROW_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Its id.")
ROW_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="not_found: nothing with this id that you may see."
)


class BestInterestsRecordSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    stage = serializers.ChoiceField(choices=BestInterestsStage.choices)
    matter = serializers.ChoiceField(choices=BestInterestsMatter.choices)
    how_heard = serializers.ChoiceField(choices=HowHeard.choices)
    child_views = serializers.CharField(
        help_text="The child's views, or why the child was not heard; empty once erased."
    )
    considerations = serializers.CharField()
    conclusion = serializers.CharField()
    favours_return = serializers.BooleanField(
        allow_null=True,
        help_text="A determination on return: whether return is in the child's best "
        "interests (R-30); null on every other record.",
    )
    guardian_present = serializers.BooleanField()
    decided_on = serializers.DateField()
    recorded_by = serializers.CharField()


class BestInterestsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    treat_as_child = serializers.BooleanField()
    records = BestInterestsRecordSerializer(many=True, help_text="Latest first.")


class BestInterestsCreateSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=BestInterestsStage.choices)
    matter = serializers.ChoiceField(choices=BestInterestsMatter.choices)
    how_heard = serializers.ChoiceField(choices=HowHeard.choices)
    # Blank text reaches the service, which answers with code best_interests_input_invalid.
    child_views = serializers.CharField(
        allow_blank=True,
        max_length=services.TEXT_MAX,
        help_text="Required: the child's views, or (how_heard=not_heard) why the child was "
        "not heard.",
    )
    considerations = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    conclusion = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    guardian_present = serializers.BooleanField(default=False)
    decided_on = serializers.DateField()
    favours_return = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Required for a determination on return (R-30): is return in the child's "
        "best interests? Leave out for any other record.",
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="best_interests_list",
        tags=["children"],
        parameters=[CASE_ID],
        responses=_read_responses(BestInterestsSerializer, ASSESSMENT_FORBIDDEN),
    ),
    post=extend_schema(
        operation_id="best_interests_record",
        tags=["children"],
        parameters=[CASE_ID],
        request=BestInterestsCreateSerializer,
        description="Record a best-interests assessment or determination for a child (R-25) "
        "with the child's views (R-27).",
        responses=_write_responses(
            CREATED, BestInterestsSerializer, ASSESSMENT_FORBIDDEN, CHILD_CONFLICT
        ),
    ),
)
class BestInterestsView(CaseRowsView):
    rows = CaseRows(
        selectors.best_interests_list,
        BestInterestsSerializer,
        services.best_interests_record,
        BestInterestsCreateSerializer,
    )


@extend_schema_field(
    {"type": "string", "description": "One of: " + ", ".join(TracingStatus.values) + "."}
)
class TracingStatusField(serializers.CharField):
    """The tracing status. Described without an enum component: the schema already
    has other "status" enums, and drf-spectacular would rename them all."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value not in TracingStatus.values:
            raise serializers.ValidationError(_("Choose one of the options."))
        return value


class TracingSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = TracingStatusField()
    best_interests_reason = serializers.CharField(help_text="Empty once erased.")
    outcome = serializers.CharField(help_text="Empty when none yet, or erased.")
    traced_by = serializers.CharField(help_text="The organisation's name; empty when none.")
    started_on = serializers.DateField()
    updated_on = serializers.DateField()
    recorded_by = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back when updating the tracing.")


class TracingsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    treat_as_child = serializers.BooleanField()
    tracings = TracingSerializer(many=True, help_text="Latest first.")


class TracingStartSerializer(serializers.Serializer[Any]):
    best_interests_reason = serializers.CharField(
        allow_blank=True,
        max_length=services.TEXT_MAX,
        help_text="Required: why tracing the family serves the child.",
    )
    traced_by_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    started_on = serializers.DateField()


class TracingUpdateSerializer(serializers.Serializer[Any]):
    status = TracingStatusField(
        help_text="stopped: not in the child's best interests. found, not_found and stopped "
        "need the outcome.",
    )
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX
    )
    updated_on = serializers.DateField()
    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version you read. If the record was changed "
        "since, the answer is 409 edit_conflict and nothing is saved.",
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="family_tracing_list",
        tags=["children"],
        parameters=[CASE_ID],
        responses=_read_responses(TracingsSerializer, ASSESSMENT_FORBIDDEN),
    ),
    post=extend_schema(
        operation_id="family_tracing_start",
        tags=["children"],
        parameters=[CASE_ID],
        request=TracingStartSerializer,
        description="Start tracing a child's family, only where it serves the child (R-11).",
        responses=_write_responses(
            CREATED, TracingsSerializer, ASSESSMENT_FORBIDDEN, CHILD_CONFLICT
        ),
    ),
)
class TracingsView(CaseRowsView):
    rows = CaseRows(
        selectors.family_tracing_list,
        TracingsSerializer,
        services.family_tracing_start,
        TracingStartSerializer,
    )


class TracingUpdateView(JsonApiView):
    @extend_schema(
        operation_id="family_tracing_update",
        tags=["children"],
        parameters=[ROW_ID],
        request=TracingUpdateSerializer,
        description="Record progress, the outcome, or that tracing stopped (R-11).",
        responses=_write_responses(
            200, TracingsSerializer, ASSESSMENT_FORBIDDEN, TRACING_CONFLICT, not_found=ROW_NOT_FOUND
        ),
    )
    def post(self, request: Request, id: str) -> Response:
        user, tracing = _written(
            request, TracingUpdateSerializer, services.family_tracing_update, tracing_id=id
        )
        return _case_rows(
            selectors.family_tracing_list, TracingsSerializer, user=user, case_id=tracing.case_id
        )


class DependantSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    relationship = serializers.ChoiceField(choices=DependantRelationship.choices)
    name = serializers.CharField(help_text="Empty once erased.")
    date_of_birth = serializers.CharField(help_text="ISO date; empty when not known or erased.")
    with_the_person = serializers.BooleanField()
    needs = serializers.CharField()
    education = serializers.ChoiceField(choices=EducationAccess.choices)
    without_school = serializers.BooleanField(help_text="No school arrangement yet (R-27).")
    recorded_by = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back when updating the schooling.")


class DependantsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    without_school = serializers.IntegerField()
    dependants = DependantSerializer(many=True)


class DependantCreateSerializer(serializers.Serializer[Any]):
    relationship = serializers.ChoiceField(choices=DependantRelationship.choices)
    # A blank name reaches the service, which answers with code dependant_input_invalid.
    name = serializers.CharField(allow_blank=True, max_length=services.NAME_MAX)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    with_the_person = serializers.BooleanField(default=True)
    needs = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX
    )
    education = serializers.ChoiceField(
        choices=EducationAccess.choices, default=EducationAccess.NOT_ARRANGED
    )


class EducationSerializer(serializers.Serializer[Any]):
    education = serializers.ChoiceField(choices=EducationAccess.choices)
    needs = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.TEXT_MAX
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version you read. If the record was changed "
        "since, the answer is 409 edit_conflict and nothing is saved.",
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="dependant_list",
        tags=["children"],
        parameters=[CASE_ID],
        responses=_read_responses(DependantsSerializer, IDENTITY_FORBIDDEN),
    ),
    post=extend_schema(
        operation_id="dependant_add",
        tags=["children"],
        parameters=[CASE_ID],
        request=DependantCreateSerializer,
        description="Record a child or other dependant of the person, with needs of their own "
        "(R-27). Any case.",
        responses=_write_responses(CREATED, DependantsSerializer, IDENTITY_FORBIDDEN, ERASED),
    ),
)
class DependantsView(CaseRowsView):
    rows = CaseRows(
        selectors.dependant_list,
        DependantsSerializer,
        services.dependant_add,
        DependantCreateSerializer,
    )


class DependantEducationView(JsonApiView):
    @extend_schema(
        operation_id="dependant_update_education",
        tags=["children"],
        parameters=[ROW_ID],
        request=EducationSerializer,
        description="Record how the dependant's schooling stands (R-27).",
        responses=_write_responses(
            200,
            DependantsSerializer,
            IDENTITY_FORBIDDEN,
            EDUCATION_CONFLICT,
            not_found=ROW_NOT_FOUND,
        ),
    )
    def post(self, request: Request, id: str) -> Response:
        user, dependant = _written(
            request, EducationSerializer, services.dependant_update_education, dependant_id=id
        )
        return _case_rows(
            selectors.dependant_list, DependantsSerializer, user=user, case_id=dependant.case_id
        )


# --- age assessment (R-10) ---------------------------------------------------------------------

LEGAL_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="field_group_not_allowed: your organisation does not see the legal group; "
    "break_glass_read_only: emergency access never writes.",
)
AGE_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="already_treated_as_child: new information moves into child protections "
    "only a person not treated as a child; age_assessment_required: only a recorded age "
    "assessment ends them; person_erased.",
)
APPEAL_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="age_appeal_invalid: only an age assessment is appealed, and its outcome "
    "is recorded once; person_erased; " + EDIT_CONFLICT,
)


@extend_schema_field(
    {"type": "string", "description": "One of: " + ", ".join(AppealOutcome.values) + "."}
)
class AppealOutcomeField(serializers.CharField):
    """The appeal's outcome, described without an enum component (see TracingStatusField)."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value not in AppealOutcome.values:
            raise serializers.ValidationError(_("Choose one of the options."))
        return value


class AgeAssessmentRowSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.CharField(
        help_text="One of: " + ", ".join(AgeRecordKind.values) + " (new information moves "
        "a person into child protections without an assessment)."
    )
    method_label = serializers.CharField(help_text="Empty for new information.")
    result = serializers.ChoiceField(choices=AgeAssessmentResult.choices)
    from_status_label = serializers.CharField()
    assessed_on = serializers.DateField()
    estimated_age_min = serializers.IntegerField(allow_null=True)
    estimated_age_max = serializers.IntegerField(allow_null=True)
    assessor = serializers.CharField()
    assessor_organisation = serializers.CharField()
    person_views = serializers.CharField(help_text="Empty for new information, or once erased.")
    reasons = serializers.CharField(help_text="Empty once erased.")
    legal_basis = serializers.CharField()
    appeal_how = serializers.CharField()
    appeal_by = serializers.DateField(allow_null=True)
    appealed_on = serializers.DateField(allow_null=True)
    appeal_outcome = serializers.CharField(help_text="Empty, pending, upheld or overturned.")
    appeal_decided_on = serializers.DateField(allow_null=True)
    organisation = serializers.CharField()
    recorded_by = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back when recording the appeal.")


class AgeActionsSerializer(serializers.Serializer[Any]):
    record_assessment = serializers.BooleanField()
    new_information = serializers.BooleanField()


class AgeAssessmentsSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(source="case.id")
    age_status = serializers.CharField(help_text="The person's age status now (R-10).")
    treat_as_child = serializers.BooleanField()
    actions = AgeActionsSerializer(help_text="What the caller may record here.")
    assessments = AgeAssessmentRowSerializer(many=True, help_text="Latest first.")


class AgeAssessmentCreateSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=AgeAssessmentMethod.choices)
    result = serializers.ChoiceField(choices=AgeAssessmentResult.choices)
    assessed_on = serializers.DateField()
    # Blank text reaches the service, which answers with code age_assessment_input_invalid.
    reasons = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    person_views = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    appeal_how = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    legal_basis = serializers.CharField(allow_blank=True, max_length=500)
    appeal_by = serializers.DateField(required=False, allow_null=True, default=None)
    assessor = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    assessor_organisation_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    estimated_age_min = serializers.IntegerField(required=False, allow_null=True, default=None)
    estimated_age_max = serializers.IntegerField(required=False, allow_null=True, default=None)


class AgeNewInformationSerializer(serializers.Serializer[Any]):
    reasons = serializers.CharField(allow_blank=True, max_length=services.TEXT_MAX)
    noted_on = serializers.DateField()


class AgeAppealSerializer(serializers.Serializer[Any]):
    appealed_on = serializers.DateField()
    outcome = AppealOutcomeField(required=False, default=AppealOutcome.PENDING)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(
        min_value=1,
        max_value=locking.VERSION_MAX,
        help_text="Optimistic locking: the version of the assessment you read. If its appeal "
        "was recorded since, the answer is 409 edit_conflict and nothing is saved.",
    )


def _age_assessment_record(*, actor: User, case_id: str, **data: Any) -> object:
    return services.age_assessment_record(
        actor=actor, case_id=case_id, assessment=services.AgeAssessmentInput(**data)
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="age_assessment_list",
        tags=["children"],
        parameters=[CASE_ID],
        responses=_read_responses(AgeAssessmentsSerializer, LEGAL_FORBIDDEN),
    ),
    post=extend_schema(
        operation_id="age_assessment_record",
        tags=["children"],
        parameters=[CASE_ID],
        request=AgeAssessmentCreateSerializer,
        description="Record an age assessment (R-10) and apply its result: the only way "
        "out of child protections.",
        responses=_write_responses(
            CREATED, AgeAssessmentsSerializer, LEGAL_FORBIDDEN, AGE_CONFLICT
        ),
    ),
)
class AgeAssessmentsView(CaseRowsView):
    rows = CaseRows(
        selectors.age_assessment_list,
        AgeAssessmentsSerializer,
        _age_assessment_record,
        AgeAssessmentCreateSerializer,
    )


class AgeNewInformationView(JsonApiView):
    @extend_schema(
        operation_id="age_new_information_record",
        tags=["children"],
        parameters=[CASE_ID],
        request=AgeNewInformationSerializer,
        description="New information suggests the person is a child (R-10): presumed a child "
        "at once, with the child indicator sets and the guardian task.",
        responses=_write_responses(
            CREATED, AgeAssessmentsSerializer, LEGAL_FORBIDDEN, AGE_CONFLICT
        ),
    )
    def post(self, request: Request, id: str) -> Response:
        user, _row = _written(
            request, AgeNewInformationSerializer, services.age_new_information_record, case_id=id
        )
        return _case_rows(
            selectors.age_assessment_list,
            AgeAssessmentsSerializer,
            user=user,
            case_id=id,
            status=CREATED,
        )


class AgeAppealView(JsonApiView):
    @extend_schema(
        operation_id="age_appeal_record",
        tags=["children"],
        parameters=[ROW_ID],
        request=AgeAppealSerializer,
        description="Record the person's appeal against an age assessment, and its outcome; "
        "an 'adult' result overturned moves the person back into child protections (R-10).",
        responses=_write_responses(
            200, AgeAssessmentsSerializer, LEGAL_FORBIDDEN, APPEAL_CONFLICT, not_found=ROW_NOT_FOUND
        ),
    )
    def post(self, request: Request, id: str) -> Response:
        user, row = _written(
            request, AgeAppealSerializer, services.age_appeal_record, assessment_id=id
        )
        return _case_rows(
            selectors.age_assessment_list, AgeAssessmentsSerializer, user=user, case_id=row.case_id
        )


urlpatterns: list[URLPattern] = [
    path("cases/<str:id>/age-assessments/", AgeAssessmentsView.as_view(), name="age_assessments"),
    path(
        "cases/<str:id>/age-new-information/",
        AgeNewInformationView.as_view(),
        name="age_new_information",
    ),
    path("age-assessments/<str:id>/appeal/", AgeAppealView.as_view(), name="age_appeal"),
    path("cases/<str:id>/guardians/", GuardiansView.as_view(), name="guardians"),
    path("cases/<str:id>/best-interests/", BestInterestsView.as_view(), name="best_interests"),
    path("cases/<str:id>/family-tracing/", TracingsView.as_view(), name="family_tracing"),
    path("family-tracing/<str:id>/", TracingUpdateView.as_view(), name="family_tracing_update"),
    path("cases/<str:id>/dependants/", DependantsView.as_view(), name="dependants"),
    path(
        "dependants/<str:id>/education/",
        DependantEducationView.as_view(),
        name="dependant_education",
    ),
]
