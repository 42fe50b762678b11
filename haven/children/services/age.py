"""Age after intake: the presumption of minority holds (R-10, Dir Art. 13(2)).

An age assessment is a recorded decision: how the age was assessed, by whom, its
result, the person's own views, how and by when they can appeal, the legal basis
and the reasons. It is the only way out of child protections: it asks
``cases.services.person_age_status_set`` for the change with its own id, and
``cases`` looks the id up through ``hooks.age_assessment``
(``selectors.recorded_age_assessment``, registered by ``ChildrenConfig.ready``).

A person later found or suspected to be a child moves into child protections at
once, on new information with reasons, with no assessment; the guardian task
follows from ``hooks.age_status_changed`` (``clocks.guardian_clock_follow_age``).
An appeal is recorded on the assessment; an "adult" result overturned on appeal
moves the person back into child protections at once.

One transaction each, audited inside it; the person's views and the reasons are
encrypted under the person's data key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.accounts.models import Organisation, User
from haven.audit.models import Action
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case
from haven.children import checks, errors, policy
from haven.children.models import (
    AgeAssessment,
    AgeAssessmentMethod,
    AgeAssessmentResult,
    AgeRecordKind,
    AppealOutcome,
)
from haven.lib import locking
from haven.vault import services as vault

VIEWS_CONTEXT = "age_assessment.person_views"
REASONS_CONTEXT = "age_assessment.reasons"
ASSESSOR_MAX = 200
LEGAL_BASIS_MAX = 500
MAX_AGE = 130
ADULT_AGE = 18

Invalid = errors.AgeAssessmentInputInvalid


@dataclass(frozen=True)
class AgeAssessmentInput:
    """An age assessment as recorded. Empty strings mean 'not given'."""

    method: str
    result: str
    assessed_on: date
    reasons: str
    person_views: str
    appeal_how: str
    legal_basis: str
    appeal_by: date | None = None
    assessor: str = ""
    assessor_organisation_id: uuid.UUID | None = None
    estimated_age_min: int | None = None
    estimated_age_max: int | None = None


def _day(day: date, *, case: Case, field: str) -> None:
    """Not in the future, and not before the case was opened."""
    checks.not_future(day, field=field, error=Invalid)
    if day < timezone.localdate(case.opened_at):
        raise Invalid(_("The date cannot be before the case was opened."), field=field)


def _ages(assessment: AgeAssessmentInput) -> None:
    low, high = assessment.estimated_age_min, assessment.estimated_age_max
    for name, age in (("estimated_age_min", low), ("estimated_age_max", high)):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise Invalid(
                _("An estimated age must be between 0 and %(max)d.") % {"max": MAX_AGE},
                field=name,
            )
    if low is not None and high is not None and low > high:
        raise Invalid(
            _("The lowest estimated age must not be above the highest."),
            field="estimated_age_min",
        )
    # The benefit of the doubt: an estimate reaching below 18 is no "adult" result.
    if assessment.result == AgeAssessmentResult.VERIFIED_ADULT and any(
        age is not None and age < ADULT_AGE for age in (low, high)
    ):
        raise Invalid(
            _(
                "The estimated age reaches below 18: give the person the benefit of the doubt "
                "and record them as a presumed child."
            ),
            field="result",
        )


def _validated(assessment: AgeAssessmentInput, *, case: Case) -> dict[str, str]:
    checks.choice(assessment.method, AgeAssessmentMethod, field="method", error=Invalid)
    checks.choice(assessment.result, AgeAssessmentResult, field="result", error=Invalid)
    _day(assessment.assessed_on, case=case, field="assessed_on")
    if assessment.appeal_by is not None and assessment.appeal_by < assessment.assessed_on:
        raise Invalid(_("The appeal deadline cannot be before the assessment."), field="appeal_by")
    _ages(assessment)
    if len(assessment.assessor) > ASSESSOR_MAX:
        raise Invalid(_("At most %(max)d characters.") % {"max": ASSESSOR_MAX}, field="assessor")
    if len(assessment.legal_basis) > LEGAL_BASIS_MAX:
        raise Invalid(
            _("At most %(max)d characters.") % {"max": LEGAL_BASIS_MAX}, field="legal_basis"
        )
    return {
        "reasons": checks.required_text(
            assessment.reasons,
            field="reasons",
            message=_("Write the reasons for the result; they are given to the person."),
            error=Invalid,
        ),
        "person_views": checks.required_text(
            assessment.person_views,
            field="person_views",
            message=_("Write what the person said about their age, in their own words."),
            error=Invalid,
        ),
        "appeal_how": checks.required_text(
            assessment.appeal_how,
            field="appeal_how",
            message=_("Say how, to whom and by when the person can appeal."),
            error=Invalid,
        ),
        "legal_basis": checks.required_text(
            assessment.legal_basis,
            field="legal_basis",
            message=_("Give the legal basis the assessment rests on."),
            error=Invalid,
        ),
    }


def _organisation(organisation_id: uuid.UUID | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Invalid(_("No such organisation."), field="assessor_organisation")
    return organisation


def _audit(*, actor: User, case: Case, row: AgeAssessment, action: str = Action.CREATE) -> None:
    detail = {"kind": row.kind, "result": row.result, "from": row.from_status}
    if row.appeal_outcome:
        detail["appeal"] = row.appeal_outcome
    checks.audit_record(
        actor=actor, case=case, action=action, row=row, group=FieldGroup.LEGAL, detail=detail
    )


@transaction.atomic
def age_assessment_record(
    *, actor: User, case_id: object, assessment: AgeAssessmentInput
) -> AgeAssessment:
    """Record an age assessment and apply its result to the person (R-10): the only
    way out of child protections."""
    case = checks.writable_case(actor=actor, case_id=case_id, group=FieldGroup.LEGAL)
    assert actor.organisation is not None  # noqa: S101 - a team member has one
    texts = _validated(assessment, case=case)
    key = case.person.data_key
    row = AgeAssessment(
        case=case,
        kind=AgeRecordKind.ASSESSMENT,
        method=assessment.method,
        result=assessment.result,
        from_status=case.person.age_status,
        assessed_on=assessment.assessed_on,
        estimated_age_min=assessment.estimated_age_min,
        estimated_age_max=assessment.estimated_age_max,
        assessor_organisation=_organisation(assessment.assessor_organisation_id),
        assessor=assessment.assessor.strip(),
        person_views_enc=vault.encrypt(
            key=key, plaintext=texts["person_views"], context=VIEWS_CONTEXT
        ),
        reasons_enc=vault.encrypt(key=key, plaintext=texts["reasons"], context=REASONS_CONTEXT),
        legal_basis=texts["legal_basis"],
        appeal_how=texts["appeal_how"],
        appeal_by=assessment.appeal_by,
        organisation=actor.organisation,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    row.full_clean(exclude=["case", "recorded_by", "organisation", "assessor_organisation"])
    row.save()
    case_services.person_age_status_set(
        actor=actor, case_id=case.id, to_status=row.result, age_assessment_id=row.id
    )
    _audit(actor=actor, case=case, row=row)
    return row


@transaction.atomic
def age_new_information_record(
    *, actor: User, case_id: object, reasons: str, noted_on: date
) -> AgeAssessment:
    """New information suggests the person is a child (R-10): they are presumed a
    child at once, with every child protection (the child indicator sets, the
    guardian task), until an age assessment decides."""
    case = checks.writable_case(actor=actor, case_id=case_id, group=FieldGroup.LEGAL)
    assert actor.organisation is not None  # noqa: S101 - a team member has one
    if not policy.age_actions(
        writable=True, treat_as_child=case.person.treat_as_child
    ).new_information:
        raise errors.AlreadyTreatedAsChild(
            _("This person is already treated as a child."), field="reasons"
        )
    text = checks.required_text(
        reasons,
        field="reasons",
        message=_("Write what suggests the person is a child."),
        error=Invalid,
    )
    _day(noted_on, case=case, field="noted_on")
    row = AgeAssessment.objects.create(
        case=case,
        kind=AgeRecordKind.NEW_INFORMATION,
        result=AgeAssessmentResult.UNCERTAIN_PRESUMED_CHILD,
        from_status=case.person.age_status,
        assessed_on=noted_on,
        reasons_enc=vault.encrypt(
            key=case.person.data_key, plaintext=text, context=REASONS_CONTEXT
        ),
        organisation=actor.organisation,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    case_services.person_age_status_set(
        actor=actor, case_id=case.id, to_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD
    )
    _audit(actor=actor, case=case, row=row)
    return row


@transaction.atomic
def age_appeal_record(
    *,
    actor: User,
    assessment_id: object,
    appealed_on: date,
    outcome: str = AppealOutcome.PENDING,
    version: int,
    decided_on: date | None = None,
) -> AgeAssessment:
    """Record that the person appealed an age assessment, and later its outcome. An
    "adult" result overturned moves the person back into child protections at once.
    ``version`` is the one the user read: an appeal recorded since is refused
    (``edit_conflict``), never overwritten."""
    row: AgeAssessment = checks.row_for_update(AgeAssessment, actor=actor, row_id=assessment_id)
    case = checks.writable_case(actor=actor, case_id=row.case_id, group=FieldGroup.LEGAL)
    if row.kind != AgeRecordKind.ASSESSMENT:
        raise errors.AgeAppealInvalid(_("Only an age assessment can be appealed."))
    if row.appeal_outcome not in ("", AppealOutcome.PENDING):
        raise errors.AgeAppealInvalid(_("The outcome of this appeal is already recorded."))
    checks.choice(outcome, AppealOutcome, field="outcome", error=Invalid)
    _day(appealed_on, case=case, field="appealed_on")
    if appealed_on < row.assessed_on:
        raise Invalid(_("The appeal cannot be before the assessment."), field="appealed_on")
    if outcome == AppealOutcome.PENDING:
        decided_on = None
    elif decided_on is None or decided_on < appealed_on:
        raise Invalid(
            _("Give the date of the outcome, on or after the appeal."), field="decided_on"
        )
    else:
        checks.not_future(decided_on, field="decided_on", error=Invalid)
    locking.version_claim(row, expected=version)
    row.appealed_on, row.appeal_outcome, row.appeal_decided_on = appealed_on, outcome, decided_on
    row.save(update_fields=["appealed_on", "appeal_outcome", "appeal_decided_on"])
    overturned_adult = (
        outcome == AppealOutcome.OVERTURNED and row.result == AgeAssessmentResult.VERIFIED_ADULT
    )
    if overturned_adult and not case.person.treat_as_child:
        case_services.person_age_status_set(
            actor=actor, case_id=case.id, to_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD
        )
    _audit(actor=actor, case=case, row=row, action=Action.UPDATE)
    return row
