"""Requests for access (issue 11 "Sharing dead ends", R-47): a team member from
whom a kind of information is hidden for want of the person's consent sees the
case lead and its contact point and asks for access; the request reaches the lead
as a task, which closes when the lead records the consent that covers it (the
group then shows), or when the lead refuses with a reason (the asker is told).
Every step is audited; each side's refusals are tested with the same setup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.access import services as access_services
from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    FieldGroup,
    Purpose,
    TeamMembership,
)
from haven.access.states import AgreementState
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit import services as audit
from haven.audit.models import AuditEvent
from haven.cases import services as case_services
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_api import api_client_for
from haven.deadlines import services as deadline_services
from haven.deadlines.errors import TaskClosedByRecord
from haven.deadlines.models import Notification, Task
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.referrals import clocks
from haven.referrals.models import AccessRequest, AccessRequestState, DirectoryEntry
from haven.referrals.selectors import access_requests as selectors
from haven.referrals.services import access_requests as services
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

REASON = "The investigator needs her account of the recruitment to plan the interview."
REFUSAL = "She asked us to wait until she has met her lawyer."
HOTLINE = "+358 9 000 1111 (24 h)"
# An agreement lets these flow from the lead to the police, with the person's consent.
BY_CONSENT = [FieldGroup.IDENTITY, FieldGroup.NARRATIVE, FieldGroup.LEGAL]


@dataclass
class Team:
    case: Case
    lead: User  # caseworker of the case lead (an NGO)
    police_org: Organisation
    police: User  # caseworker of the police, on the team but not the lead
    third: User  # caseworker of an organisation that is not on the team


def agreement_needing_consent(
    *, lead: Organisation, recipient: Organisation, groups: Sequence[str]
) -> Agreement:
    """An agreement in force between the two that lets ``groups`` flow, but only with
    the person's consent (test set-up, written directly)."""
    agreement = Agreement.objects.create(
        name=f"Consent-based sharing: {lead.name} to {recipient.name}",
        document_reference="test",
        legal_basis="",
        consent_required=True,
        state=AgreementState.IN_EFFECT,  # as if every party approved it
        valid_from=date(2000, 1, 1),
        created_at=timezone.now(),
    )
    AgreementParty.objects.create(agreement=agreement, organisation=lead)
    AgreementParty.objects.create(agreement=agreement, organisation=recipient)
    AgreementFlow.objects.create(
        agreement=agreement,
        recipient_organisation=recipient,
        purposes=list(Purpose.values),
        field_groups=sorted(groups),
    )
    return agreement


def team() -> Team:
    lead = make_user(org_type=OrgType.NGO, role=Role.CASEWORKER)
    assert lead.organisation is not None
    case = open_case(actor=lead)
    police_org = OrganisationFactory.create(org_type=OrgType.POLICE, name="Test Police")
    police = UserFactory.create(organisation=police_org, role=Role.CASEWORKER)
    access_services.team_member_add(case_id=case.id, organisation=police_org, by=lead)
    agreement_needing_consent(lead=lead.organisation, recipient=police_org, groups=BY_CONSENT)
    DirectoryEntry.objects.create(
        organisation=lead.organisation,
        service_type="counselling",
        title="Helpline",
        emergency_contact=HOTLINE,
        confirmed_at=timezone.now(),
        confirmed_by=lead,
        updated_at=timezone.now(),
    )
    third = make_user(org_type=OrgType.POLICE, role=Role.CASEWORKER)
    return Team(case, lead, police_org, police, third)


def ask(t: Team, groups: list[str] | None = None) -> AccessRequest:
    return services.access_request_ask(
        actor=t.police,
        case_id=t.case.id,
        field_groups=groups or [FieldGroup.NARRATIVE],
        reason=REASON,
        purpose=Purpose.ASSISTANCE,
    )


def record_consent(t: Team, groups: Sequence[str], purpose: str = Purpose.ASSISTANCE) -> None:
    access_services.consent_record(
        actor=t.lead,
        case_id=t.case.id,
        person_id=t.case.person_id,
        data_key=t.case.person.data_key,
        purpose=purpose,
        field_groups=groups,
        given_on=timezone.localdate(),
        language="en",
        information_given="Explained in English.",
        recipient_organisation=t.police_org,
    )


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _task(request: AccessRequest) -> Task:
    return Task.objects.get(kind=clocks.ACCESS_REQUEST, detail__request=str(request.pk))


# --- the case page: the hidden group names the lead and offers "ask for access" ----------------


def test_issue11_a_hidden_group_names_the_lead_and_its_contact_and_offers_ask_for_access() -> None:
    # given
    t = team()
    case_url = reverse("web:case_detail", args=[t.case.id])
    ask_url = reverse("referrals:access_request_new", args=[t.case.id])

    # when
    police_page = client_for(t.police).get(case_url).content.decode()
    lead_page = client_for(t.lead).get(case_url).content.decode()

    # then: the police member sees who leads, how to reach them, and the way to ask
    assert "Access to hidden information" in police_page
    assert t.lead.organisation is not None
    assert f"The case lead is {t.lead.organisation.name}." in police_page
    assert HOTLINE in police_page
    assert ask_url in police_page
    # the lead hides nothing that consent would open for itself: no offer to ask
    assert ask_url not in lead_page


def test_issue11_the_ask_page_lists_what_is_missing_and_refuses_those_who_may_not_ask() -> None:
    # given
    t = team()
    url = reverse("referrals:access_request_new", args=[t.case.id])

    # when
    police = client_for(t.police).get(url)
    lead = client_for(t.lead).get(url)
    third = client_for(t.third).get(url)

    # then: consent opens narrative and legal; health needs an agreement, naming the parties
    html = police.content.decode()
    assert police.status_code == 200
    assert 'value="narrative"' in html
    assert 'value="health"' not in html
    assert "The organisation administrators of" in html and "Test Police" in html
    assert lead.status_code == 403
    assert third.status_code == 404


def test_issue11_the_rule_and_the_page_agree_once_consent_opens_everything() -> None:
    # given: consent to every group the agreement lets flow: nothing left to ask
    t = team()
    record_consent(t, BY_CONSENT)
    url = reverse("referrals:access_request_new", args=[t.case.id])

    # when
    page = client_for(t.police).get(reverse("web:case_detail", args=[t.case.id])).content.decode()
    refused = client_for(t.police).get(url)

    # then
    assert url not in page
    assert refused.status_code == 403


# --- asking: a task for the lead -----------------------------------------------------------


def test_issue11_asking_for_access_gives_the_lead_a_task_and_a_notification_audited() -> None:
    # given
    t = team()
    url = reverse("referrals:access_request_new", args=[t.case.id])

    # when
    posted = client_for(t.police).post(
        url, {"field_groups": [FieldGroup.NARRATIVE], "purpose": "assistance", "reason": REASON}
    )

    # then
    request = AccessRequest.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == reverse("referrals:access_request_detail", args=[request.pk])
    assert request.state == AccessRequestState.OPEN
    assert REASON.encode() not in bytes(request.reason_enc)
    task = _task(request)
    assert task.assigned_organisation == t.lead.organisation
    assert task.status == Task.Status.OPEN
    assert Notification.objects.filter(recipient=t.lead, event="access_requested").exists()
    assert AuditEvent.objects.filter(
        object_type="referrals.AccessRequest", action="create", object_id=str(request.pk)
    ).exists()


def test_issue11_the_lead_cannot_tick_the_task_off_by_hand() -> None:
    # given
    t = team()
    request = ask(t)

    # when / then
    with pytest.raises(TaskClosedByRecord):
        deadline_services.task_complete(actor=t.lead, task_id=_task(request).pk)


@pytest.mark.parametrize(
    ("groups", "code"),
    [([], "required"), ([FieldGroup.HEALTH], "invalid_choice")],
)
def test_issue11_it_refuses_a_request_for_nothing_or_for_what_consent_cannot_open(
    groups: list[str], code: str
) -> None:
    # given
    t = team()

    # when
    with pytest.raises(InvalidInput) as refused:
        services.access_request_ask(
            actor=t.police, case_id=t.case.id, field_groups=groups, reason=REASON, purpose="x"
        )

    # then
    assert refused.value.code == code
    assert not AccessRequest.objects.exists()


def test_issue11_only_a_team_member_with_a_hidden_group_may_ask() -> None:
    # given
    t = team()

    # when / then: the lead (403), an organisation outside the team (404)
    with pytest.raises(NotAllowed):
        ask_as(t, t.lead)
    with pytest.raises(NotFound):
        ask_as(t, t.third)
    assert not AccessRequest.objects.exists()
    assert ask_as(t, t.police).state == AccessRequestState.OPEN


def ask_as(t: Team, user: User) -> AccessRequest:
    return services.access_request_ask(
        actor=user,
        case_id=t.case.id,
        field_groups=[FieldGroup.NARRATIVE],
        reason=REASON,
        purpose=Purpose.ASSISTANCE,
    )


def test_issue11_it_refuses_a_request_on_an_erased_person() -> None:
    # given
    t = team()
    supervisor = UserFactory.create(organisation=t.lead.organisation, role=Role.SUPERVISOR)
    case_services.person_erase(actor=supervisor, case_id=t.case.id)

    # when / then
    with pytest.raises(Conflict):
        ask(t)


# --- granted by consent ------------------------------------------------------------------------


def test_issue11_recording_the_consent_grants_the_request_closes_the_task_and_shows_the_group() -> (
    None
):
    # given
    t = team()
    request = ask(t)
    case_url = reverse("web:case_detail", args=[t.case.id])
    before = client_for(t.police).get(case_url).content.decode()

    # when: the lead opens the request and follows its prefilled consent link
    detail = client_for(t.lead).get(reverse("referrals:access_request_detail", args=[request.pk]))
    record_consent(t, [FieldGroup.NARRATIVE])

    # then
    html = detail.content.decode()
    assert REASON in html
    assert f"recipient=org%3A{t.police_org.pk}" in html
    assert "field_groups=narrative" in html
    # recorded, the consent form returns to the request it answers
    back = quote(reverse("referrals:access_request_detail", args=[request.pk]), safe="")
    assert f"next={back}" in html
    request.refresh_from_db()
    assert request.state == AccessRequestState.GRANTED
    assert request.consent_id is not None
    assert _task(request).status == Task.Status.DONE
    assert Notification.objects.filter(recipient=t.police, event="access_granted").exists()
    assert AuditEvent.objects.filter(
        object_type="referrals.AccessRequest", action="transition", object_id=str(request.pk)
    ).exists()
    after = client_for(t.police).get(case_url).content.decode()
    assert '<section class="group group--hidden" id="group-narrative"' in before
    assert '<section class="group" id="group-narrative"' in after


def test_issue11_a_consent_that_does_not_cover_the_request_leaves_it_open() -> None:
    # given: asked for narrative and legal
    t = team()
    request = ask(t, [FieldGroup.NARRATIVE, FieldGroup.LEGAL])

    # when: consent to narrative only, then to both for another purpose
    record_consent(t, [FieldGroup.NARRATIVE])
    record_consent(t, [FieldGroup.NARRATIVE, FieldGroup.LEGAL], purpose=Purpose.INVESTIGATION)

    # then
    request.refresh_from_db()
    assert request.state == AccessRequestState.OPEN
    assert _task(request).status == Task.Status.OPEN


# --- refused with a reason ---------------------------------------------------------------------


def test_issue11_the_lead_refuses_with_a_reason_and_the_asker_is_told() -> None:
    # given
    t = team()
    request = ask(t)
    url = reverse("referrals:access_request_refuse", args=[request.pk])

    # when
    empty = client_for(t.lead).post(url, {"reason": ""})
    refused = client_for(t.lead).post(url, {"reason": REFUSAL})
    asker_view = client_for(t.police).get(
        reverse("referrals:access_request_detail", args=[request.pk])
    )

    # then
    assert empty.status_code == 400
    assert refused.status_code == 302
    request.refresh_from_db()
    assert request.state == AccessRequestState.REFUSED
    assert REFUSAL.encode() not in bytes(request.refusal_enc or b"")
    assert _task(request).status == Task.Status.CANCELLED
    assert Notification.objects.filter(recipient=t.police, event="access_refused").exists()
    assert REFUSAL in asker_view.content.decode()
    assert "Refuse the request" not in asker_view.content.decode()
    assert AuditEvent.objects.filter(
        object_type="referrals.AccessRequest", action="transition", object_id=str(request.pk)
    ).exists()


def test_issue11_only_the_leads_staff_answer_and_others_get_403_or_404() -> None:
    # given
    t = team()
    request = ask(t)
    detail = reverse("referrals:access_request_detail", args=[request.pk])
    refuse = reverse("referrals:access_request_refuse", args=[request.pk])

    # when
    asker = client_for(t.police).post(refuse, {"reason": REFUSAL})
    third_read = client_for(t.third).get(detail)
    third_refuse = client_for(t.third).post(refuse, {"reason": REFUSAL})
    lead = client_for(t.lead).post(refuse, {"reason": REFUSAL})

    # then
    assert asker.status_code == 403
    assert third_read.status_code == 404
    assert third_refuse.status_code == 404
    assert lead.status_code == 302


def test_issue11_an_answered_request_cannot_be_answered_again() -> None:
    # given
    t = team()
    request = ask(t)
    services.access_request_refuse(actor=t.lead, request_id=request.pk, reason=REFUSAL)

    # when / then
    with pytest.raises(Conflict):
        services.access_request_refuse(actor=t.lead, request_id=request.pk, reason=REFUSAL)
    with pytest.raises(NotFound):
        services.access_request_refuse(actor=t.lead, request_id="nonsense", reason=REFUSAL)
    with pytest.raises(NotFound):
        selectors.access_request_get(user=t.lead, request_id="nonsense")


def test_issue11_the_case_page_lists_requests_for_the_lead_and_the_asker_only() -> None:
    # given
    t = team()
    request = ask(t)
    link = reverse("referrals:access_request_detail", args=[request.pk])
    case_url = reverse("web:case_detail", args=[t.case.id])
    other = OrganisationFactory.create(org_type=OrgType.POLICE)
    other_user = UserFactory.create(organisation=other, role=Role.CASEWORKER)
    TeamMembership.objects.create(
        case=t.case, organisation=other, is_lead=False, joined_at=timezone.now()
    )

    # when
    lead_page = client_for(t.lead).get(case_url).content.decode()
    asker_page = client_for(t.police).get(case_url).content.decode()
    other_page = client_for(other_user).get(case_url).content.decode()

    # then
    assert link in lead_page
    assert link in asker_page
    assert link not in other_page


# --- the API ------------------------------------------------------------------------------


def test_issue11_the_api_asks_reads_and_refuses_with_the_same_rules() -> None:
    # given
    t = team()
    lead, police, third = (api_client_for(u) for u in (t.lead, t.police, t.third))
    url = f"/api/v1/cases/{t.case.id}/access-requests/"
    body = {"field_groups": ["narrative"], "reason": REASON, "purpose": "assistance"}

    # when
    denied = lead.post(url, body, format="json")
    asked = police.post(url, body, format="json")
    request_id = asked.json()["request"]["id"]
    refuse = f"/api/v1/access-requests/{request_id}/refuse/"
    by_asker = police.post(refuse, {"reason": REFUSAL}, format="json")
    by_lead = lead.post(refuse, {"reason": REFUSAL}, format="json")
    by_third = third.get(f"/api/v1/access-requests/{request_id}/")

    # then
    assert (denied.status_code, denied.json()["code"]) == (403, "not_allowed")
    assert asked.status_code == 201
    assert asked.json()["request"]["state"] == "open"
    assert by_asker.status_code == 403
    assert by_lead.status_code == 200
    assert by_lead.json()["request"]["state"] == "refused"
    assert by_lead.json()["refusal"] == REFUSAL
    assert (by_third.status_code, by_third.json()["code"]) == (404, "not_found")


def test_issue11_the_report_for_the_person_lists_the_requests_to_see_their_information() -> None:
    # given
    t = team()
    request = ask(t)
    services.access_request_refuse(actor=t.lead, request_id=request.pk, reason=REFUSAL)

    # when
    report = client_for(t.lead).get(reverse("web:person_report", args=[t.case.id]))

    # then
    html = report.content.decode()
    assert report.status_code == 200
    assert "Requests to see more of your information" in html
    assert REASON in html and REFUSAL in html


# --- every request of a case at once (the report for the person) -------------------------------


def _asked_twice_one_refused(t: Team) -> list[AccessRequest]:
    first = ask(t)
    services.access_request_refuse(actor=t.lead, request_id=first.pk, reason=REFUSAL)
    return [ask(t, [FieldGroup.LEGAL]), first]  # newest first


@pytest.mark.parametrize(
    ("who", "reads_them"), [("lead", True), ("police", True), ("police_admin", False)]
)
def test_issue11_a_cases_requests_are_read_at_once_with_reasons_by_the_rule_of_reading_one(
    who: str, reads_them: bool
) -> None:
    # given: two requests of the police, one refused; the police's administrator, who
    # is no case staff (the rule refuses them one request)
    t = team()
    asked = _asked_twice_one_refused(t)
    admin = UserFactory.create(organisation=t.police_org, role=Role.ORG_ADMIN)
    user = {"lead": t.lead, "police": t.police, "police_admin": admin}[who]
    lead_id = t.lead.organisation_id

    # when
    read = selectors.access_requests_read_of_case(user=user, case_id=t.case.id, lead_id=lead_id)

    # then: the listed rows, each with what access_request_get gives (or refuses) them
    events = list(
        AuditEvent.objects.filter(object_type="referrals.AccessRequest", action="read")
        .order_by("id")
        .values_list("object_id", "detail")
    )
    rows = selectors.access_requests_of_case(user=user, case_id=t.case.id, lead_id=lead_id)
    assert [r.row for r in read] == rows
    assert [r.row.id for r in read] == [a.pk for a in asked]
    if reads_them:
        one = selectors.access_request_get(user=user, request_id=asked[1].pk)
        assert [(r.reason, r.refusal) for r in read] == [(REASON, ""), (REASON, REFUSAL)]
        assert (read[1].reason, read[1].refusal) == (one.reason, one.refusal)
        assert events[:2] == [(str(a.pk), {"rule": "referral_party"}) for a in asked]
    else:
        with pytest.raises(NotFound):
            selectors.access_request_get(user=user, request_id=asked[1].pk)
        assert [(r.reason, r.refusal) for r in read] == [("", ""), ("", "")]
        assert events == []


def test_issue11_a_cases_requests_cost_the_same_queries_whatever_their_number() -> None:
    # given
    t = team()
    ask(t)

    def queries() -> int:
        # in a batch, as the report reads it: each read's event is held until its end
        with CaptureQueriesContext(connection) as captured, audit.audit_batch():
            selectors.access_requests_read_of_case(
                user=t.lead, case_id=t.case.id, lead_id=t.lead.organisation_id
            )
        return len(captured)

    one = queries()
    _asked_twice_one_refused(t)

    # when
    three = queries()

    # then
    assert AccessRequest.objects.count() == 3
    assert three == one
