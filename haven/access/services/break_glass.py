"""Break-glass: emergency access to a case by a user outside the permitted flow.

The grant and its ``break_glass`` audit event are written by
``haven.access.services.break_glass_open``; this module finds the case by the
reference the user typed (without the team check: the user is outside the
permitted flow by definition) and tells the case lead and the national
coordinator at once, in the same transaction as the grant, so that there is
never a grant nobody was told about.

Limits (issue 12): only caseworkers and supervisors of organisations that work
cases (never the rapporteur, organisation or system administrators:
``selectors.break_glass.may_use_break_glass``, which also decides whether the way
in is shown), only for cases of the user's own country (a case of another
country answers as a missing one), only with a reason chosen from the list and a
typed justification. Every refused request leaves a ``break_glass_refused``
audit event (who, which case if one was named, the refusal's code and the reason
chosen; never the typed words), written after the refused transaction rolled back.

Access decides whom to tell; the telling is the handlers' of
``haven.access.hooks.on_break_glass_used`` (``haven.deadlines`` writes the
in-app notifications, and e-mails them after commit when
HAVEN_EMAIL_NOTIFICATIONS is on; the e-mail says no more than the in-app one
does: no personal data leaves the system). The case is read by its label
(``cases.Case``): access imports no app above it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from haven.access import errors as access_errors
from haven.access import hooks
from haven.access import policy as access_policy
from haven.access import services as access_services
from haven.access.models import BreakGlass, BreakGlassReason
from haven.access.selectors import break_glass as break_glass_selectors
from haven.accounts import policy as account_policy
from haven.accounts.models import Organisation, OrgType, User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.lib import ids
from haven.lib.errors import Conflict, HavenError, NotFound

logger = logging.getLogger(__name__)


def _require_case_role(actor: User) -> None:
    """Checked before the case is looked up: no answer about a case to anyone else."""
    if not break_glass_selectors.may_use_break_glass(actor):
        raise access_errors.SharingNotAllowed(
            _("Only caseworkers and supervisors can use break-glass.")
        )


def _require_reason(reason: str) -> None:
    if reason not in BreakGlassReason.values:
        raise access_errors.JustificationRequired(
            _("Choose the reason for emergency access from the list."), field="reason"
        )


def _require_justification(justification: str) -> None:
    """Checked before the case is looked up, so that a reference cannot be tried
    without leaving a trace: only a justified request learns whether it exists.
    The access service checks the same rule again when it opens the grant."""
    if len(justification.strip()) < access_services.MIN_JUSTIFICATION:
        raise access_errors.JustificationRequired(
            _("Explain the emergency in at least %(n)d characters.")
            % {"n": access_services.MIN_JUSTIFICATION},
            field="justification",
        )


def _case_where(*, case_reference: str, case_id: object) -> Q | None:
    """The case by its id, else by its reference (as typed, any case); None when
    neither could name one."""
    if case_id is not None:
        parsed = ids.parse_uuid(case_id)
        return Q(pk=parsed) if parsed else None
    reference = case_reference.strip().upper()
    return Q(reference=reference) if reference else None


def _require_need(*, actor: User, case_id: uuid.UUID) -> None:
    """Break-glass is for what the user cannot see now: a user who already sees
    every group their organisation type would get (the case lead, a live grant,
    a team member sharing fully) is sent to the case instead."""
    decisions = access_policy.decide_all(user=actor, case_id=case_id)
    assert actor.organisation is not None  # noqa: S101 - _require_case_role ran first
    wanted = access_policy.ORG_TYPE_GROUPS.get(actor.organisation.org_type, frozenset())
    if all(decisions[group].allowed for group in wanted):
        raise Conflict(
            _("You can already read this case; break-glass is not needed."),
            code=access_errors.ErrorCode.BREAK_GLASS_NOT_NEEDED,
        )


def _recipients(*, case_id: uuid.UUID, country: str, actor: User) -> list[int]:
    """Active caseworkers and supervisors of the case lead and of every national
    coordinator organisation in the case's country (the actor excepted)."""
    organisations = Organisation.objects.filter(
        Q(case_memberships__case_id=case_id, case_memberships__is_lead=True)
        | Q(org_type=OrgType.NATIONAL_COORDINATOR, country=country)
    ).values("id")
    return list(
        User.objects.filter(
            organisation_id__in=organisations,
            is_active=True,
            role__in=account_policy.CASE_ROLES,
        )
        .exclude(pk=actor.pk)
        .order_by("id")
        .values_list("id", flat=True)
    )


@dataclass
class _Attempt:
    """What a refused attempt's audit event may say: the case, once one was found,
    and why it was refused when the answer hides it (another country)."""

    case_id: uuid.UUID | None = None
    refusal: str = ""


def break_glass_use(
    *,
    actor: User,
    reason: str,
    justification: str,
    case_reference: str = "",
    case_id: object = None,
) -> BreakGlass:
    """Emergency access to a case outside the permitted flow (issue 4): only
    with a reason from the list and a typed justification, for
    HAVEN_BREAK_GLASS_MINUTES, marked in the audit trail, and told at once to the
    case lead and the national coordinator (by the ``on_break_glass_used``
    handlers, in this transaction). A supervisor reviews each use afterwards.
    A refusal is audited (``break_glass_refused``) and raised."""
    attempt = _Attempt()
    try:
        with transaction.atomic():
            return _use(
                actor=actor,
                reason=reason,
                justification=justification,
                where=_case_where(case_reference=case_reference, case_id=case_id),
                attempt=attempt,
            )
    except HavenError as exc:
        code = attempt.refusal or exc.code
        _audit_refusal(actor=actor, reason=reason, code=code, attempt=attempt)
        raise


@transaction.atomic
def _audit_refusal(*, actor: User, reason: str, code: str, attempt: _Attempt) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.BREAK_GLASS_REFUSED,
        object_type="cases.Case",
        object_id=attempt.case_id or "",
        detail={
            "refused": code,
            "reason": reason if reason in BreakGlassReason.values else "",
            "role": actor.role,
        },
    )


def _use(
    *, actor: User, reason: str, justification: str, where: Q | None, attempt: _Attempt
) -> BreakGlass:
    _require_case_role(actor)
    _require_reason(reason)
    _require_justification(justification)
    # Whoever's team the case is on (the user is outside the permitted flow by
    # definition); a missing one, or one of another country, gives the same coded
    # 404 as any hidden case.
    cases = apps.get_model("cases", "Case").objects.select_related("person")
    case = cases.filter(where).first() if where else None
    missing = NotFound(
        _("No case with this reference is available to you."),
        code=access_errors.ErrorCode.CASE_NOT_FOUND,
    )
    if case is None:
        raise missing
    attempt.case_id = case.pk
    assert actor.organisation is not None  # noqa: S101 - _require_case_role ran first
    if case.country != actor.organisation.country:
        attempt.refusal = access_errors.ErrorCode.BREAK_GLASS_OTHER_COUNTRY
        raise missing
    _require_need(actor=actor, case_id=case.pk)
    grant = access_services.break_glass_open(
        actor=actor,
        case_id=case.pk,
        person_id=case.person_id,
        justification=justification,
        reason=reason,
    )
    grant.case = case
    told = _recipients(case_id=case.pk, country=case.country, actor=actor)
    hooks.break_glass_used(
        hooks.BreakGlassUsed(
            grant_id=grant.id, case_id=case.pk, actor_id=actor.pk, recipient_ids=tuple(told)
        )
    )
    transaction.on_commit(
        lambda: logger.warning("break-glass %s opened; %d people told", grant.id, len(told))
    )
    return grant
