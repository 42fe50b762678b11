"""The national coordination desk (CBSS 2014 P1): consultations, the triage of
concern reports, who may work the desk, pages and API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.access.models import TeamMembership
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.cases import services as case_services
from haven.cases.errors import CaseNotFound, GroupNotAllowed
from haven.cases.models import AgeStatus, Case, NarrativeEntry
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.deadlines.models import Notification
from haven.lib.errors import Conflict, NotAllowed, NotFound
from haven.referrals.models import (
    Channel,
    ConcernReport,
    ConcernReportState,
    Consultation,
    ConsultationTopic,
)
from haven.referrals.selectors import desk as selectors
from haven.referrals.services import desk as services
from haven.vault import services as vault
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

QUESTION = "A hotel night porter saw a teenager escorted by two men every night."
ADVICE = "Call the police child unit; the regional shelter has a place."


def coordinator() -> User:
    return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.CASEWORKER)


def anonymous_consultation(actor: User, **kwargs: object) -> Consultation:
    return services.consultation_log(
        actor=actor,
        channel=Channel.PHONE,
        topic=ConsultationTopic.IDENTIFICATION,
        question=QUESTION,
        advice=ADVICE,
        caller_org_type=OrgType.HEALTH,
        caller_organisation_name="Test Health Centre",
        **kwargs,  # type: ignore[arg-type]  # routed_to_ids or case_id, per test
    )


def a_report(description: str = "A worker sleeps in the kitchen of a test restaurant.") -> str:
    return str(services.report_submit(description=description, client_address="192.0.2.1").pk)


# --- who works the desk ---------------------------------------------------------------------

DESK_PAGES = [
    "referrals:desk_home",
    "referrals:desk_report_list",
    "referrals:desk_consultation_new",
]
WHO = [
    (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, 200),
    (OrgType.NATIONAL_COORDINATOR, Role.SUPERVISOR, 200),
    (OrgType.NGO, Role.CASEWORKER, 403),
    (OrgType.RAPPORTEUR, Role.RAPPORTEUR, 403),
    (OrgType.NATIONAL_COORDINATOR, Role.ORG_ADMIN, 403),
]


@pytest.mark.parametrize("page", DESK_PAGES)
@pytest.mark.parametrize(("org_type", "role", "expected"), WHO)
def test_it_lets_only_national_coordinator_staff_reach_the_desk(
    page: str, org_type: str, role: str, expected: int
) -> None:
    # given: the same report waiting for every user
    a_report()
    client = sign_in(Client(), make_user(org_type=org_type, role=role))

    # when
    response = client.get(reverse(page))

    # then
    assert response.status_code == expected


@pytest.mark.parametrize(("org_type", "role", "expected"), WHO)
def test_it_lets_only_national_coordinator_staff_read_a_report(
    org_type: str, role: str, expected: int
) -> None:
    # given
    report_id = a_report()
    client = sign_in(Client(), make_user(org_type=org_type, role=role))

    # when
    response = client.get(reverse("referrals:desk_report_detail", args=[report_id]))

    # then
    assert response.status_code == expected
    assert (b"test restaurant" in response.content) is (expected == 200)


def test_it_refuses_a_consultation_from_an_ngo_caseworker_with_a_stable_code() -> None:
    # when
    with pytest.raises(NotAllowed) as refused:
        anonymous_consultation(make_user(org_type=OrgType.NGO))

    # then
    assert refused.value.code == "not_coordinator"
    assert not Consultation.objects.exists()


# --- consultations --------------------------------------------------------------------------


def test_it_stores_an_anonymous_consultation_without_a_case_and_encrypted() -> None:
    # given
    actor = coordinator()

    # when
    consultation = anonymous_consultation(actor)

    # then
    stored = Consultation.objects.get(pk=consultation.pk)
    assert stored.case is None
    assert stored.data_key is not None
    assert QUESTION.encode() not in bytes(stored.question_enc)
    assert ADVICE.encode() not in bytes(stored.advice_enc)
    assert AuditEvent.objects.filter(object_id=str(stored.pk), action="create").exists()
    view = selectors.consultation_get(user=actor, consultation_id=stored.pk)
    assert (view.question, view.advice) == (QUESTION, ADVICE)


def test_it_seals_a_linked_consultation_under_the_persons_key_for_a_visible_case_only() -> None:
    # given: a case the coordinator leads, and one of an NGO
    actor = coordinator()
    own = open_case(actor=actor)
    other = open_case(actor=make_user(org_type=OrgType.NGO))

    # when
    linked = anonymous_consultation(actor, case_id=own.id)
    with pytest.raises(CaseNotFound):
        anonymous_consultation(actor, case_id=other.id)

    # then
    assert linked.case_id == own.id
    assert linked.data_key is None
    assert (
        vault.decrypt(
            key=own.person.data_key,
            ciphertext=linked.question_enc,
            context=services.QUESTION_CONTEXT,
        )
        == QUESTION
    )
    assert Consultation.objects.count() == 1


def test_it_opens_a_case_from_a_consultation_with_the_coordinator_as_lead() -> None:
    # given
    actor = coordinator()
    consultation = anonymous_consultation(actor)
    client = sign_in(Client(), actor)

    # when
    response = client.post(
        reverse("referrals:desk_consultation_case_open", args=[consultation.pk]),
        {"given_name": "Testi", "age_status": AgeStatus.UNCERTAIN},
    )

    # then
    consultation.refresh_from_db()
    assert consultation.case is not None
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[consultation.case.pk])
    lead = TeamMembership.objects.get(case=consultation.case, is_lead=True)
    assert lead.organisation_id == actor.organisation_id
    with pytest.raises(Conflict) as again:
        services.consultation_case_open(
            actor=actor, consultation_id=consultation.pk, person=case_services.PersonInput()
        )
    assert again.value.code == "already_linked"


def test_it_tells_the_routed_organisations_staff_without_personal_data() -> None:
    # given
    actor = coordinator()
    shelter = make_user(org_type=OrgType.SHELTER)
    bystander = make_user(org_type=OrgType.SHELTER)

    # when
    consultation = anonymous_consultation(actor, routed_to_ids=[shelter.organisation_id])

    # then
    notes = list(Notification.objects.all())
    assert [(n.recipient_id, n.kind, n.event, n.subject_id) for n in notes] == [
        (shelter.pk, "desk", "consultation_routed", str(consultation.pk))
    ]
    assert bystander.notifications.count() == 0
    assert [o.pk for o in consultation.routed_to.all()] == [shelter.organisation_id]


def test_it_logs_a_consultation_through_the_page_with_the_plain_warning() -> None:
    # given
    actor = coordinator()
    client = sign_in(Client(), actor)
    url = reverse("referrals:desk_consultation_new")

    # when
    form = client.get(url)
    response = client.post(
        url, {"channel": Channel.EMAIL, "topic": ConsultationTopic.LEGAL, "question": QUESTION}
    )

    # then
    assert b"do not write names or anything that identifies a person" in form.content
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:desk_consultation_detail", args=[consultation.pk]
    )
    assert consultation.case is None
    assert QUESTION in client.get(response["Location"]).content.decode()


# --- triage ---------------------------------------------------------------------------------


def test_it_records_triage_advice_as_a_public_form_consultation() -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    client = sign_in(Client(), actor)

    # when
    response = client.post(
        reverse("referrals:desk_report_advise", args=[report_id]),
        {"topic": ConsultationTopic.REFERRAL, "advice": ADVICE},
    )

    # then
    assert response.status_code == 302
    report = ConcernReport.objects.get(pk=report_id)
    assert report.state == ConcernReportState.TRIAGED
    assert report.consultation is not None
    assert report.consultation.channel == Channel.PUBLIC_FORM
    assert report.triaged_by == actor


def test_it_opens_a_case_from_a_report_with_its_text_as_the_first_narrative() -> None:
    # given
    actor = coordinator()
    report_id = a_report("Seen at the test bus station: a woman without her passport.")

    # when
    case = services.report_case_open(
        actor=actor, report_id=report_id, person=case_services.PersonInput()
    )

    # then
    report = ConcernReport.objects.select_related("consultation").get(pk=report_id)
    assert report.state == ConcernReportState.CASE_OPENED
    assert report.consultation is not None
    assert report.consultation.case_id == case.id
    entry = NarrativeEntry.objects.get(case=case)
    text = vault.decrypt(
        key=case.person.data_key, ciphertext=entry.text_enc, context="narrative.text"
    )
    assert "test bus station" in text


def test_it_closes_a_report_with_a_reason_and_refuses_to_triage_it_again() -> None:
    # given
    actor = coordinator()
    report_id = a_report()
    client = sign_in(Client(), actor)

    # when
    closed = client.post(
        reverse("referrals:desk_report_close", args=[report_id]), {"reason": "duplicate"}
    )
    again = client.post(
        reverse("referrals:desk_report_close", args=[report_id]), {"reason": "duplicate"}
    )

    # then
    assert closed.status_code == 302
    report = ConcernReport.objects.get(pk=report_id)
    assert (report.state, report.close_reason) == (ConcernReportState.CLOSED, "duplicate")
    assert again.status_code == 400
    assert not Case.objects.exists()


def test_it_lists_new_reports_first_with_their_age() -> None:
    # given: one triaged report, then a new one, then another triaged one
    actor = coordinator()
    first = a_report()
    services.report_close(actor=actor, report_id=first, reason="duplicate")
    waiting = a_report()
    last = a_report()
    services.report_close(actor=actor, report_id=last, reason="abuse")

    # when
    rows = selectors.report_list(user=actor)

    # then
    assert [r.id for r in rows] == [waiting, last, first]
    assert all(r.age.total_seconds() >= 0 for r in rows)


def test_it_audits_the_read_of_a_report() -> None:
    # given
    actor = coordinator()
    report_id = a_report()

    # when
    selectors.report_get(user=actor, report_id=report_id)

    # then
    assert AuditEvent.objects.filter(
        object_type="referrals.ConcernReport", object_id=report_id, action="read"
    ).exists()


# --- API ------------------------------------------------------------------------------------


def test_it_serves_the_desk_over_the_api_to_coordinators_only() -> None:
    # given
    actor = coordinator()
    api, ngo = api_client_for(actor), api_client_for(make_user(org_type=OrgType.NGO))
    report_id = a_report()
    body = {"channel": "phone", "topic": "child", "question": QUESTION}

    # when
    created = api.post("/api/v1/desk/consultations/", body, format="json")
    refused = ngo.post("/api/v1/desk/consultations/", body, format="json")
    case = api.post(
        f"/api/v1/desk/consultations/{created.json()['id']}/case/",
        {"age_status": "uncertain"},
        format="json",
    )
    triaged = api.post(
        f"/api/v1/desk/reports/{report_id}/triage/",
        {"action": "close", "reason": "not_trafficking"},
        format="json",
    )

    # then
    assert (created.status_code, refused.status_code) == (201, 403)
    assert refused.json()["code"] == "not_coordinator"
    assert case.status_code == 201
    assert Consultation.objects.get().case_id is not None
    assert triaged.status_code == 200
    assert triaged.json()["state"] == "closed"


@pytest.mark.parametrize("same_desk", [True, False])
def test_it_shows_a_consultation_to_the_coordinator_that_logged_it_only(same_desk: bool) -> None:
    # given: a consultation logged by one coordinator organisation
    author = coordinator()
    consultation = anonymous_consultation(author)
    reader = (
        make_user(organisation=author.organisation, role=Role.SUPERVISOR)
        if same_desk
        else coordinator()
    )

    # when
    if same_desk:
        view = selectors.consultation_get(user=reader, consultation_id=consultation.pk)
    else:
        with pytest.raises(NotFound) as hidden:
            selectors.consultation_get(user=reader, consultation_id=consultation.pk)

    # then: the other desk gets the 404 of a missing one, and no read is recorded
    events = AuditEvent.objects.filter(action="read", object_type="referrals.Consultation")
    if same_desk:
        assert view.question == QUESTION
        assert [e.detail for e in events] == [{"rule": "desk_coordinator"}]
    else:
        assert hidden.value.code == "not_found"
        assert not events.exists()


# --- the desk's records of a case, for the report for the person (GDPR Art. 15) --------------


def test_it_gives_the_case_lead_the_consultation_and_report_linked_to_the_case() -> None:
    # given: the desk opened the case from a report, so it leads it
    actor = coordinator()
    report_id = a_report("Seen at the test ferry port: a man without his passport.")
    case = services.report_case_open(
        actor=actor, report_id=report_id, person=case_services.PersonInput()
    )
    before = AuditEvent.objects.count()

    # when
    found = selectors.desk_records_of_case(user=actor, case_id=case.id)

    # then: the texts, decrypted through the desk's own keys, and one audited read
    assert [c.row.case_id for c in found.consultations] == [str(case.id)]
    assert [r.row.id for r in found.reports] == [report_id]
    assert "test ferry port" in found.reports[0].description
    assert AuditEvent.objects.count() == before + 1


def test_it_records_no_read_of_a_case_without_desk_records() -> None:
    # given
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    before = AuditEvent.objects.count()

    # when
    found = selectors.desk_records_of_case(user=lead, case_id=case.id)

    # then
    assert (found.consultations, found.reports) == ([], [])
    assert AuditEvent.objects.count() == before


def test_it_hides_the_desk_records_of_a_case_from_outsiders_like_a_missing_case() -> None:
    # given
    case = open_case(actor=make_user(org_type=OrgType.NGO))

    # then
    with pytest.raises(CaseNotFound):
        selectors.desk_records_of_case(user=make_user(org_type=OrgType.NGO), case_id=case.id)


def test_it_refuses_the_desk_records_to_a_team_member_without_the_narrative_group() -> None:
    # given: a health service on the team never sees the narrative group
    lead = make_user(org_type=OrgType.NGO)
    case = open_case(actor=lead)
    health = make_user(org_type=OrgType.HEALTH)
    assert health.organisation is not None
    add_to_team(case=case, organisation=health.organisation, by=lead)

    # then
    with pytest.raises(GroupNotAllowed):
        selectors.desk_records_of_case(user=health, case_id=case.id)


def test_it_leaves_the_desk_itself_out_of_the_organisations_a_consultation_is_passed_to() -> None:
    # given: the coordinator ticks its own organisation beside a shelter
    actor = coordinator()
    shelter = make_user(org_type=OrgType.SHELTER)
    assert actor.organisation_id is not None

    # when
    consultation = anonymous_consultation(
        actor, routed_to_ids=[actor.organisation_id, shelter.organisation_id]
    )

    # then: passed to the shelter only, without an error
    assert [o.pk for o in consultation.routed_to.all()] == [shelter.organisation_id]
