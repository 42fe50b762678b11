"""Requests for access (issue 11, R-47). One transaction each, audited inside it;
the reasons are encrypted under the person's data key and never reach logs,
audit details or notifications.

A team member asks the case lead for kinds of information hidden from it that the
person's consent would open (``access.policy.flow_status``). The request reaches
the lead as a task (``clocks.ACCESS_REQUEST``) and a notification. The lead grants
it by recording the consent: ``access_requests_grant_on_consent``, registered with
``access.hooks.on_consent_recorded``, closes every open request the consent covers
and its task, in the consent's own transaction. Or the lead refuses with a reason,
and the asker is told.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import hooks as access_hooks
from haven.access import policy as access_policy
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.deadlines import services as deadline_services
from haven.deadlines.models import Task
from haven.lib.errors import InvalidInput, NotFound
from haven.referrals import clocks, states
from haven.referrals.errors import ErrorCode
from haven.referrals.models import AccessRequest, AccessRequestState
from haven.referrals.selectors import access_requests as selectors
from haven.referrals.services import shared

# How long the case lead has to answer: a placeholder for a national rule, like
# the referral targets; reminded the day before.
ANSWER_DAYS = 3

Act = states.AccessRequestAction


def _audit(*, actor: User, request: AccessRequest, action: str, detail: dict[str, str]) -> None:
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=action,
        object_type="referrals.AccessRequest",
        object_id=request.pk,
        person_id=request.case.person_id,
        field_groups=request.field_groups,
        purpose=request.purpose,
        detail=detail,
    )


def _groups_chosen(chosen: Iterable[str], askable: set[str]) -> list[str]:
    groups = sorted(set(chosen))
    if not groups:
        raise InvalidInput(
            _("Choose at least one kind of information."),
            code=ErrorCode.REQUIRED,
            field="field_groups",
        )
    if any(group not in askable for group in groups):
        raise InvalidInput(
            _("Ask only for information hidden from you that the person's consent would open."),
            code=ErrorCode.INVALID_CHOICE,
            field="field_groups",
        )
    return groups


@transaction.atomic
def access_request_ask(
    *, actor: User, case_id: object, field_groups: Iterable[str], reason: str, purpose: str
) -> AccessRequest:
    """A team member asks the case lead for hidden kinds of information (issue 11):
    only groups that wait for the person's consent alone (the ask page's rule),
    with a reason. The lead gets a task and a notification."""
    options = selectors.access_request_options(user=actor, case_id=case_id, purpose=purpose)
    groups = _groups_chosen(field_groups, {row.group for row in options.askable})
    text = shared.text_checked(reason, field="reason")
    case, lead = options.case, options.lead_organisation
    if case.person.erased_at is not None:
        raise case_errors.PersonErased(_("This person's data was erased."))
    assert actor.organisation is not None  # noqa: S101 - access_request_options
    request = AccessRequest(
        case=case,
        organisation=actor.organisation,
        lead_organisation=lead,
        purpose=options.purpose,
        field_groups=groups,
        reason_enc=shared.sealed(case, text, selectors.REASON_CONTEXT),
        asked_at=timezone.now(),
        asked_by=actor,
    )
    request.full_clean(exclude=["case", "organisation", "lead_organisation", "asked_by"])
    request.save()
    deadline_services.task_open(
        case_id=case.id,
        kind=clocks.ACCESS_REQUEST,
        due_on=timezone.localdate() + timedelta(days=ANSWER_DAYS),
        organisation=lead,
        reminder_days_before=1,
        detail={"request": str(request.pk)},
    )
    _audit(actor=actor, request=request, action=Action.CREATE, detail={"state": request.state})
    shared.staff_notify(shared.case_staff(lead.pk), "access_requested", case, request.pk)
    return request


@transaction.atomic
def access_request_refuse(*, actor: User, request_id: object, reason: str) -> AccessRequest:
    """The case lead's staff refuse a request, saying why; the asker is told and
    the lead's task closes."""
    text = shared.text_checked(reason, field="reason")
    request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("case__person__data_key")
        .filter(pk=shared.parse_id(request_id))
        .first()
    )
    lead = access_policy.case_context(case_id=request.case_id).lead if request else None
    lead_id = lead.organisation_id if lead else None
    if request is None or actor.organisation_id not in (request.organisation_id, lead_id):
        raise NotFound(_("No request for access with this reference is available to you."))
    shared.member_require(
        actor, lead_id, _("Only the case lead's caseworkers and supervisors answer this request.")
    )
    request.state = states.access_request_next(request.state, Act.REFUSE)
    request.answered_at = timezone.now()
    request.answered_by = actor
    request.refusal_enc = shared.sealed(request.case, text, selectors.REFUSAL_CONTEXT)
    request.save(update_fields=["state", "answered_at", "answered_by", "refusal_enc"])
    deadline_services.tasks_close(
        case_id=request.case_id,
        kind=clocks.ACCESS_REQUEST,
        by=actor,
        status=Task.Status.CANCELLED,
        request=str(request.pk),
    )
    _audit(actor=actor, request=request, action=Action.TRANSITION, detail={"state": request.state})
    shared.staff_notify([request.asked_by], "access_refused", request.case, request.pk)
    return request


def _covers(request: AccessRequest, event: access_hooks.ConsentRecorded) -> bool:
    organisation = request.organisation
    named = (
        event.recipient_organisation_id == organisation.pk
        or event.recipient_org_type == organisation.org_type
    )
    return (
        named
        and event.purpose == request.purpose
        and set(request.field_groups) <= set(event.field_groups)
    )


def access_requests_grant_on_consent(event: access_hooks.ConsentRecorded) -> None:
    """The consent just recorded grants every open request on the case it covers
    (the asker, or its type; the purpose; every group asked for): the request is
    granted, the lead's task closes, the asker is told. In the consent's transaction."""
    requests = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("case", "organisation", "asked_by")
        .filter(case_id=event.case_id, state=AccessRequestState.OPEN)
        .order_by("asked_at", "pk")
    )
    actor = User.objects.get(pk=event.actor_id)
    for request in requests:
        if not _covers(request, event):
            continue
        request.state = states.access_request_next(request.state, Act.GRANT)
        request.answered_at = timezone.now()
        request.answered_by = actor
        request.consent_id = event.consent_id
        request.save(update_fields=["state", "answered_at", "answered_by", "consent_id"])
        deadline_services.tasks_close(
            case_id=request.case_id, kind=clocks.ACCESS_REQUEST, by=actor, request=str(request.pk)
        )
        _audit(
            actor=actor,
            request=request,
            action=Action.TRANSITION,
            detail={"state": request.state, "consent": str(event.consent_id)},
        )
        shared.staff_notify([request.asked_by], "access_granted", request.case, request.pk)
