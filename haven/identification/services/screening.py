"""Recording an indicator screening (R-05 to R-10).

A screening is decision support only (R-09): it never changes the case's
identification status, in either direction; only a decision does (R-04). An
"insufficient indicators recorded" result opens a review task instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.deadlines import services as deadline_services
from haven.identification import clocks as identification_clocks
from haven.identification import engine, errors, pathways
from haven.identification.models import (
    Audience,
    IndicatorSet,
    ObservationSource,
    Screening,
    ScreeningObservation,
)
from haven.identification.selectors import indicator_sets as set_selectors
from haven.vault import services as vault

# One observation as the pages, the API and the tests give it: (indicator code, source, note).
Observation = tuple[str, str, str]
NOTE_CONTEXT = "screening.note"


@transaction.atomic
def screening_record(
    *,
    actor: User,
    case_id: object,
    set_key: str,
    observations: Sequence[Observation],
    act_established: bool | None = None,
) -> Screening:
    """Evaluate the observed indicators with the latest version of a set and store the
    result as it is now (R-05, R-06 to R-08). A child is screened with a child set (R-10).

    Decision support only (R-09): the case status never changes here (R-04), and an
    "insufficient indicators recorded" result opens a review task.
    """
    gated = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.ASSESSMENT,
        purpose=Purpose.IDENTIFICATION,
        write=True,
    )
    case = gated.case
    assert actor.organisation is not None  # noqa: S101 - case_get admits only case roles
    indicator_set = _set_for(case=case, set_key=set_key)
    _check_observations(observations, known={i.code for i in indicator_set.indicators.all()})
    child_policy = _child_policy(indicator_set)
    result = engine.evaluate(
        set_selectors.set_def_for(indicator_set),
        [code for code, _source, _note in observations],
        child_policy=child_policy or "legal_baseline",
        act_established=act_established,
    )
    screening = Screening(
        case=case,
        indicator_set=indicator_set,
        screened_at=timezone.now(),
        screened_by=actor,
        organisation=actor.organisation,
        treated_as_child=case.person.treat_as_child,
        child_policy=child_policy,
        act_established=act_established,
        outcome=result.outcome,
        result=result.as_json(),
    )
    _save(screening, observations)
    gated.audit_record(
        action=Action.CREATE,
        object_type="identification.Screening",
        object_id=screening.id,
        detail={"set": set_key, "version": indicator_set.version, "outcome": result.outcome},
    )
    if result.outcome == engine.INSUFFICIENT:
        _open_review(case=case, screening=screening, actor=actor)
    return screening


def _save(screening: Screening, observations: Sequence[Observation]) -> None:
    """The screening and its observations, each note under the person's data key."""
    screening.full_clean(exclude=["case", "indicator_set", "screened_by", "organisation"])
    screening.save()
    by_code = {i.code: i for i in screening.indicator_set.indicators.all()}
    key = screening.case.person.data_key
    ScreeningObservation.objects.bulk_create(
        ScreeningObservation(
            screening=screening,
            indicator=by_code[code],
            source=source,
            note_enc=vault.encrypt_optional(key=key, plaintext=note.strip(), context=NOTE_CONTEXT),
        )
        for code, source, note in observations
    )


def _set_for(*, case: Case, set_key: str) -> IndicatorSet:
    """The latest version of the set, if it may be used for this person (R-10)."""
    indicator_set = set_selectors.indicator_set_latest(key=set_key)
    if indicator_set is None:
        raise errors.IndicatorSetUnknown(_("There is no indicator set with this key."), field="set")
    child = case.person.treat_as_child
    if child and indicator_set.audience != Audience.CHILDREN:
        raise errors.SetAudienceMismatch(
            _(
                "This person is treated as a child (presumption of minority), so a set for "
                "children must be used."
            ),
            field="set",
        )
    if not child and indicator_set.audience != Audience.ADULTS:
        raise errors.SetAudienceMismatch(
            _("This person is not treated as a child, so a set for adults must be used."),
            code=errors.ErrorCode.ADULT_SET_REQUIRED,
            field="set",
        )
    if not indicator_set.indicators.all():
        raise errors.IndicatorSetEmpty(
            _(
                "This indicator set has no indicators yet. An administrator can load them "
                "from a file; until then, use the labour exploitation set."
            ),
            field="set",
        )
    return indicator_set


def _check_observations(observations: Sequence[Observation], *, known: set[str]) -> None:
    codes = [code for code, _source, _note in observations]
    unknown = sorted({code for code in codes if code not in known})
    if unknown:
        raise errors.UnknownIndicators(unknown)
    if len(set(codes)) != len(codes):
        raise errors.ObservationInvalid(
            _("Each indicator can be recorded once per screening."), field="observations"
        )
    for code, source, _note in observations:
        if source not in ObservationSource.values:
            raise errors.ObservationInvalid(
                _("Say where the information on %(code)s comes from.") % {"code": code},
                field="observations",
            )


def _child_policy(indicator_set: IndicatorSet) -> str:
    """The configured child policy (R-08) for a child set; empty for an adult set."""
    if indicator_set.audience != Audience.CHILDREN:
        return ""
    policy = settings.HAVEN_CHILD_VICTIM_POLICY
    defined = indicator_set.victim_rule.get("policies", {})
    if policy not in defined:
        raise errors.ChildPolicyInvalid(
            _(
                "The child victim policy is not configured correctly "
                "(HAVEN_CHILD_VICTIM_POLICY); ask the system administrator."
            )
        )
    return str(policy)


def _open_review(*, case: Case, screening: Screening, actor: User) -> None:
    """R-09: a negative result never closes anything; it opens a review task."""
    assert actor.organisation is not None  # noqa: S101 - checked by the caller
    pathway = pathways.pathway_for(case.country)
    deadline_services.task_open(
        case_id=case.id,
        kind=identification_clocks.SCREENING_REVIEW,
        due_on=timezone.localdate() + timedelta(days=pathway.screening_review_days),
        organisation=actor.organisation,
        reminder_days_before=pathway.reminder_days_before,
        detail={"screening_id": str(screening.id)},
    )
