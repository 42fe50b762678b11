"""The two versioned assessments of a case (R-21, R-19): the individual needs
assessment and the risk assessment.

An assessment is never edited: recording one again makes a new version, and the
earlier versions stay as they were. Every version answers every section of the
catalogue that applies to the person (education and age-appropriate care only
for a child), with a level and a note, and records the person's own view. The
content is encrypted under the person's data key; the audit trail holds only the
kind and the version.

After every stage change the case has a re-assessment due for each kind
(``cases.services._reassessments_due``); recording that kind closes its task.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import User
from haven.assistance import catalogue
from haven.assistance import clocks as assistance_clocks
from haven.assistance.errors import ErrorCode
from haven.assistance.models import Assessment, AssessmentKind, AssessmentTrigger
from haven.audit.models import Action
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.lib import locking
from haven.lib.errors import InvalidInput, NotFound
from haven.vault import services as vault

CONTENT_CONTEXT = "assessment.content"


class AssessmentNotFound(NotFound):
    # Same code and words for a missing assessment and one of a hidden case.
    default_code = ErrorCode.ASSESSMENT_NOT_FOUND


class AssessmentInvalid(InvalidInput):
    default_code = ErrorCode.INVALID


def level_choices(kind: str) -> type[catalogue.NeedLevel] | type[catalogue.RiskLevel]:
    """The levels a section of this kind is answered with."""
    return catalogue.NeedLevel if kind == AssessmentKind.NEEDS else catalogue.RiskLevel


def calls_for_service(kind: str, level: str) -> bool:
    """Whether a section at this level calls for a service in the plan that follows."""
    if kind == AssessmentKind.NEEDS:
        return level in catalogue.NEEDS_CALLING_FOR_SERVICE
    return level in catalogue.RISKS_CALLING_FOR_SERVICE


def _kind(kind: str) -> str:
    if kind not in AssessmentKind.values:
        raise AssessmentInvalid(
            _("Choose the needs assessment or the risk assessment."), field="kind"
        )
    return kind


def _sections(
    *, kind: str, child: bool, sections: Mapping[str, tuple[str, str]]
) -> dict[str, dict[str, str]]:
    wanted = catalogue.sections_for(kind, child=child)
    keys = {s.key for s in wanted}
    for key in sections:
        if key not in keys:
            raise AssessmentInvalid(
                _("This section is not part of this assessment for this person."),
                code=ErrorCode.SECTION_NOT_APPLICABLE,
                field=key,
            )
    levels = level_choices(kind)
    content: dict[str, dict[str, str]] = {}
    for section in wanted:
        level, note = sections.get(section.key, ("", ""))
        if not level:
            raise AssessmentInvalid(
                _("Choose a level for this section."), code=ErrorCode.REQUIRED, field=section.key
            )
        if level not in levels.values:
            raise AssessmentInvalid(
                _("Choose one of the levels offered."),
                code=ErrorCode.INVALID_CHOICE,
                field=section.key,
            )
        content[section.key] = {"level": level, "note": note.strip()}
    return content


def _trigger(*, case: Case, kind: str, version: int, trigger: str) -> str:
    if trigger:
        if trigger not in AssessmentTrigger.values:
            raise AssessmentInvalid(_("Choose one of the reasons offered."), field="trigger")
        if trigger == AssessmentTrigger.INITIAL and version != 1:
            raise AssessmentInvalid(
                _("This is not the first assessment of its kind for this person."),
                field="trigger",
            )
        return trigger
    if version == 1:
        return AssessmentTrigger.INITIAL
    due = Task.objects.filter(
        case=case,
        kind=assistance_clocks.REASSESSMENT_DUE,
        status=Task.Status.OPEN,
        detail__assessment=kind,
    ).exists()
    return AssessmentTrigger.STAGE_CHANGE if due else AssessmentTrigger.REVIEW


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    case_id: object,
    kind: str,
    assessed_on: date,
    sections: Mapping[str, tuple[str, str]],
    person_view: str,
    based_on_version: int,
    trigger: str = "",
) -> Assessment:
    """Record a new version of the case's needs or risk assessment (R-21, R-19),
    and close that kind's open re-assessment deadline.

    ``based_on_version`` is the latest version the user saw (0 for none): if someone
    recorded another version since, nothing is saved (``edit_conflict``), so the
    second of two people assessing at once loses nothing and overwrites nothing."""
    gated = case_selectors.case_for(
        user=actor,
        case_id=case_id,
        group=FieldGroup.ASSESSMENT,
        purpose=Purpose.ASSISTANCE,
        write=True,
    )
    case = gated.case
    organisation = actor.organisation
    assert organisation is not None  # noqa: S101 - the write gate admits team members only
    kind = _kind(kind)
    content = _sections(kind=kind, child=case.person.treat_as_child, sections=sections)
    view = person_view.strip()
    if not view:
        raise AssessmentInvalid(
            _(
                "Write what the person said about their situation, or that they "
                "did not wish to say."
            ),
            code=ErrorCode.REQUIRED,
            field="person_view",
        )
    if assessed_on > timezone.localdate():
        raise AssessmentInvalid(
            _("The date of the assessment cannot be in the future."), field="assessed_on"
        )
    # The write gate holds the case's row lock, so two recorders queue here.
    previous = Assessment.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"]
    locking.version_expect(
        current=previous or 0, expected=based_on_version, field="based_on_version"
    )
    version = (previous or 0) + 1
    assessment = Assessment(
        case=case,
        kind=kind,
        version=version,
        trigger=_trigger(case=case, kind=kind, version=version, trigger=trigger),
        assessed_on=assessed_on,
        content_enc=vault.encrypt(
            key=case.person.data_key,
            plaintext=json.dumps({"sections": content, "person_view": view}),
            context=CONTENT_CONTEXT,
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
        recorded_by_organisation=organisation,
    )
    assessment.save()
    deadline_services.tasks_close(
        case_id=case.id, kind=assistance_clocks.REASSESSMENT_DUE, by=actor, assessment=kind
    )
    gated.audit_record(
        action=Action.CREATE,
        object_type="assistance.Assessment",
        object_id=assessment.id,
        detail={"kind": kind, "version": version},
    )
    return assessment
