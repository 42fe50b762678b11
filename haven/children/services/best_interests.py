"""Best-interests assessment and determination for a major decision on a child
(R-25), with the child's views or why the child was not heard (R-27)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from haven.access.models import FieldGroup
from haven.accounts.models import User
from haven.audit.models import Action
from haven.cases.models import Case
from haven.children import checks, errors
from haven.children.models import (
    BestInterestsMatter,
    BestInterestsRecord,
    BestInterestsStage,
    HowHeard,
)
from haven.vault import services as vault

ASSESSMENT_CHILD_ONLY = _lazy(
    "A best-interests assessment is for a child or a person presumed to be a child."
)
VIEWS_CONTEXT = "best_interests.child_views"
CONSIDERATIONS_CONTEXT = "best_interests.considerations"
CONCLUSION_CONTEXT = "best_interests.conclusion"


@dataclass(frozen=True)
class BestInterestsInput:
    stage: str
    matter: str
    how_heard: str
    child_views: str  # the child's views, or why the child was not heard
    considerations: str
    conclusion: str
    guardian_present: bool
    decided_on: date
    favours_return: bool | None = None


def _check_favours_return(data: BestInterestsInput) -> None:
    """R-30: a determination on return says whether return is in the child's best
    interests, as a yes or no; no other record carries that answer."""
    error = errors.BestInterestsInputInvalid
    about_return = (
        data.stage == BestInterestsStage.DETERMINATION and data.matter == BestInterestsMatter.RETURN
    )
    if about_return and data.favours_return is None:
        raise error(
            _("Say whether return is in the child's best interests."), field="favours_return"
        )
    if not about_return and data.favours_return is not None:
        raise error(_("Only a determination on return answers this."), field="favours_return")


def _best_interests_texts(data: BestInterestsInput) -> tuple[str, str, str]:
    error = errors.BestInterestsInputInvalid
    checks.choice(data.stage, BestInterestsStage, field="stage", error=error)
    checks.choice(data.matter, BestInterestsMatter, field="matter", error=error)
    checks.choice(data.how_heard, HowHeard, field="how_heard", error=error)
    views_missing = (
        _("Write why the child was not heard.")
        if data.how_heard == HowHeard.NOT_HEARD
        else _("Write the child's views: every child has the right to be heard.")
    )
    views = checks.required_text(
        data.child_views, field="child_views", message=views_missing, error=error
    )
    considerations = checks.required_text(
        data.considerations,
        field="considerations",
        message=_("Write what was weighed for the child."),
        error=error,
    )
    conclusion = checks.required_text(
        data.conclusion, field="conclusion", message=_("Write the conclusion."), error=error
    )
    checks.not_future(data.decided_on, field="decided_on", error=error)
    return views, considerations, conclusion


def _check_assessment_first(case: Case, data: BestInterestsInput) -> None:
    """A determination (the formal decision) needs an earlier assessment of the same matter."""
    if data.stage != BestInterestsStage.DETERMINATION:
        return
    assessed = BestInterestsRecord.objects.filter(
        case_id=case.id,
        matter=data.matter,
        stage=BestInterestsStage.ASSESSMENT,
        decided_on__lte=data.decided_on,
    ).exists()
    if not assessed:
        raise errors.AssessmentRequired(
            _(
                "Record a best-interests assessment of this matter first: "
                "a determination decides on an assessment made before it."
            ),
            field="stage",
        )


@transaction.atomic
def best_interests_record(
    *,
    actor: User,
    case_id: object,
    stage: str,
    matter: str,
    how_heard: str,
    child_views: str,
    considerations: str,
    conclusion: str,
    guardian_present: bool,
    decided_on: date,
    favours_return: bool | None = None,
) -> BestInterestsRecord:
    """Record a best-interests assessment or determination for a major decision on a
    child (R-25), with the child's views or why the child was not heard (R-27). A
    determination needs an earlier assessment of the same matter, and records
    whether the guardian was present; a determination on return concludes yes or no
    on return (R-30)."""
    data = BestInterestsInput(
        stage,
        matter,
        how_heard,
        child_views,
        considerations,
        conclusion,
        guardian_present,
        decided_on,
        favours_return,
    )
    case = checks.writable_child_case(
        actor=actor,
        case_id=case_id,
        group=FieldGroup.ASSESSMENT,
        refusal=str(ASSESSMENT_CHILD_ONLY),
    )
    texts = _best_interests_texts(data)
    _check_assessment_first(case, data)
    _check_favours_return(data)
    return _saved(actor=actor, case=case, data=data, texts=texts)


def _saved(
    *, actor: User, case: Case, data: BestInterestsInput, texts: tuple[str, str, str]
) -> BestInterestsRecord:
    views, considerations, conclusion = texts
    key = case.person.data_key
    record = BestInterestsRecord(
        case=case,
        stage=data.stage,
        matter=data.matter,
        how_heard=data.how_heard,
        child_views_enc=vault.encrypt(key=key, plaintext=views, context=VIEWS_CONTEXT),
        considerations_enc=vault.encrypt(
            key=key, plaintext=considerations, context=CONSIDERATIONS_CONTEXT
        ),
        conclusion_enc=vault.encrypt(key=key, plaintext=conclusion, context=CONCLUSION_CONTEXT),
        guardian_present=data.guardian_present,
        favours_return=data.favours_return,
        decided_on=data.decided_on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    record.full_clean(exclude=["case", "recorded_by"])
    record.save()
    detail = {"stage": data.stage, "matter": data.matter, "how_heard": data.how_heard}
    if data.favours_return is not None:
        detail["favours_return"] = "yes" if data.favours_return else "no"
    checks.audit_record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        row=record,
        group=FieldGroup.ASSESSMENT,
        detail=detail,
    )
    return record
