"""The remedies pages and their block on the case page, through the test client
(legal group; R-33 to R-37)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from haven.accounts.models import User
from haven.cases.tests.factories import open_case
from haven.deadlines.models import Task
from haven.justice import services_remedies as services
from haven.justice.models import (
    CompelledOffence,
    CompensationClaim,
    ConfiscatedAsset,
    LegalAid,
    Proceeding,
    ProtectiveMeasure,
)
from haven.justice.tests.test_cooperation import NOON, TODAY, cooperation_team, record
from haven.justice.tests.test_remedies_services import criminal, flag, state_claim
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def new(case_id: object, change: str) -> str:
    return reverse("justice:remedy_new", args=[case_id, change])


def on(case_id: object, change: str, row: object) -> str:
    return reverse("justice:remedy_change", args=[case_id, change, row])


def test_r34_r37_a_proceeding_its_stage_and_a_measure_are_recorded_through_the_forms() -> None:
    # given
    t = cooperation_team()
    client = client_for(t.lead)
    cid = t.case.id
    # when
    form_page = client.get(new(cid, "proceeding"))
    missing = client.post(new(cid, "proceeding"), {"kind": "criminal"})
    done = client.post(
        new(cid, "proceeding"),
        {
            "kind": "criminal",
            "stage": "investigation",
            "authority": "District court",
            "person_role": "witness",
            "started_on": "2026-01-05",
        },
    )
    p = Proceeding.objects.get()
    staged = client.post(on(cid, "stage", p.pk), {"to_stage": "trial", "changed_on": "2026-02-01"})
    no_outcome = client.post(
        on(cid, "stage", p.pk), {"to_stage": "ended", "changed_on": "2026-03-01"}
    )
    asked = client.post(
        on(cid, "measure", p.pk),
        {"kind": "video_testimony", "for_whom": "person", "asked_on": "2026-02-02"},
    )
    m = ProtectiveMeasure.objects.get()
    granted = client.post(
        on(cid, "measure-decision", m.pk), {"decision": "granted", "decided_on": "2026-02-10"}
    )
    twice = client.post(
        on(cid, "measure-decision", m.pk), {"decision": "refused", "decided_on": "2026-02-10"}
    )
    page = client.get(reverse("justice:remedies", args=[cid])).content.decode()
    # then
    assert form_page.status_code == 200
    assert missing.status_code == no_outcome.status_code == twice.status_code == 400
    assert "Choose one of the options." in no_outcome.content.decode()
    assert "This measure was already decided." in twice.content.decode()
    remedies = reverse("justice:remedies", args=[cid])
    for response in (done, staged, asked, granted):
        assert (response.status_code, response["Location"]) == (302, remedies)
    assert (Proceeding.objects.get().stage, ProtectiveMeasure.objects.get().decision) == (
        "trial",
        "granted",
    )
    assert "Testimony by video" in page and "District court" in page


def test_r35_r36_legal_aid_a_claim_and_an_asset_are_recorded_through_the_forms() -> None:
    # given
    t = cooperation_team()
    client = client_for(t.lead)
    cid = t.case.id
    p = criminal(t.lead, t.case)
    # when
    claimed = client.post(
        new(cid, "claim"),
        {"source": "state", "amount_claimed": "4000", "currency": "EUR", "proceeding": p.pk},
    )
    c = CompensationClaim.objects.get()
    aid = client.post(
        new(cid, "legal-aid"),
        {
            "counsel_organisation": "Legal clinic",
            "counsel_name": "Anna Lawyer",
            "free_aid": "applied",
            "applied_on": "2026-02-01",
            "claim": c.pk,
        },
    )
    a = LegalAid.objects.get()
    aid_form = client.get(on(cid, "legal-aid-status", a.pk))
    aid_granted = client.post(
        on(cid, "legal-aid-status", a.pk),
        {"free_aid": "granted", "applied_on": "2026-02-01", "decided_on": "2026-02-15"},
    )
    update_form = client.get(on(cid, "claim-update", c.pk))
    bad_update = client.post(on(cid, "claim-update", c.pk), {"status": "paid"})
    filed = client.post(
        on(cid, "claim-update", c.pk),
        {"status": "filed", "amount_claimed": "4000", "filed_on": "2026-02-01"},
    )
    asset = client.post(
        on(cid, "asset", c.pk),
        {"description": "Bank account", "estimated_value": "9000", "status": "frozen"},
    )
    x = ConfiscatedAsset.objects.get()
    asset_form = client.get(on(cid, "asset-status", x.pk))
    confiscated = client.post(on(cid, "asset-status", x.pk), {"status": "confiscated"})
    page = client.get(reverse("justice:remedies", args=[cid])).content.decode()
    # then
    assert aid_form.status_code == update_form.status_code == asset_form.status_code == 200
    for response in (claimed, aid, aid_granted, filed, asset, confiscated):
        assert response.status_code == 302
    assert bad_update.status_code == 400
    assert "The claim cannot move to this status." in bad_update.content.decode()
    assert (a.claim_id, LegalAid.objects.get().free_aid) == (c.pk, "granted")
    assert (CompensationClaim.objects.get().status, ConfiscatedAsset.objects.get().status) == (
        "filed",
        "confiscated",
    )
    assert "Anna Lawyer" in page and "Bank account" in page


def test_r33_an_offence_is_flagged_through_the_form_and_a_task_opens() -> None:
    # given
    t = cooperation_team()
    client = client_for(t.lead)
    # when
    done = client.post(
        new(t.case.id, "offence"),
        {
            "kind": "theft",
            "offence": "Shoplifting on orders.",
            "link": "Beaten when short of the daily quota.",
            "recorded_on": TODAY.isoformat(),
        },
    )
    page = client.get(reverse("justice:remedies", args=[t.case.id])).content.decode()
    # then
    assert done.status_code == 302
    assert (
        CompelledOffence.objects.count()
        == Task.objects.filter(kind="compelled_offence_inform").count()
        == 1
    )
    assert "Beaten when short of the daily quota." in page


def test_the_remedies_pages_are_for_the_legal_group_and_emergency_access_only_reads() -> None:
    # given: the same team for every request
    t = cooperation_team()
    p = criminal(t.lead, t.case)
    pages = [
        reverse("justice:remedies", args=[t.case.id]),
        new(t.case.id, "offence"),
        on(t.case.id, "stage", p.pk),
    ]
    form = {"to_stage": "trial", "changed_on": TODAY.isoformat()}
    # when
    lead = [client_for(t.lead).get(url).status_code for url in pages]
    shelter = [client_for(t.shelter).get(url).status_code for url in pages]
    outsider = [client_for(t.outsider).get(url).status_code for url in pages]
    emergency = client_for(t.emergency)
    emergency_reads = emergency.get(pages[0]).status_code
    emergency_form = emergency.get(pages[1]).content.decode()
    emergency_writes = emergency.post(pages[2], form).status_code
    shelter_writes = client_for(t.shelter).post(pages[2], form).status_code
    # then
    assert (lead, shelter, outsider) == ([200] * 3, [403] * 3, [404] * 3)
    assert (emergency_reads, emergency_writes, shelter_writes) == (200, 403, 403)
    assert "emergency access" in emergency_form  # no form is offered
    assert Proceeding.objects.get().stage == "investigation"


def test_an_unknown_change_or_a_row_of_another_case_is_not_found() -> None:
    # given
    t = cooperation_team()
    client = client_for(t.lead)
    mine = criminal(t.lead, t.case)
    other = criminal(t.lead, open_case(actor=t.lead))
    # when
    codes = [
        client.get(new(t.case.id, "wish")).status_code,
        client.get(new(t.case.id, "stage")).status_code,  # needs a proceeding
        client.get(on(t.case.id, "offence", mine.pk)).status_code,  # needs none
        client.get(on(t.case.id, "stage", other.pk)).status_code,
        client.get(on(t.case.id, "stage", mine.pk)).status_code,
    ]
    # then
    assert codes == [404, 404, 404, 404, 200]


def test_an_erased_persons_remedies_offer_no_form() -> None:
    # given
    t = cooperation_team()
    criminal(t.lead, t.case)
    t.case.person.erased_at = NOON
    t.case.person.save(update_fields=["erased_at"])
    client = client_for(t.lead)
    # when
    page = client.get(reverse("justice:remedies", args=[t.case.id])).content.decode()
    form_page = client.get(new(t.case.id, "offence")).content.decode()
    # then
    assert new(t.case.id, "proceeding") not in page
    assert '<form method="post" class="stacked"' not in form_page


def test_r18_the_case_page_shows_remedies_to_the_legal_group_and_nothing_to_a_shelter() -> None:
    # given
    t = cooperation_team()
    record(t.lead, t.case, cooperates=False, on=date(2026, 2, 1))
    p = criminal(t.lead, t.case, stage="trial")
    services.protective_measure_request(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=p.pk,
        kind="video_testimony",
        for_whom="person",
        asked_on=TODAY,
    )
    state_claim(t.lead, t.case)
    flag(t.lead, t.case)
    case_page = reverse("web:case_detail", args=[t.case.id])
    link = reverse("justice:remedies", args=[t.case.id])
    # when
    lead_sees = client_for(t.lead).get(case_page).content.decode()
    shelter_sees = client_for(t.shelter).get(case_page).content.decode()
    # then
    for words in (link, "District court", "From the state scheme", "compelled offence"):
        assert words in lead_sees
        assert words not in shelter_sees
    assert "Proceedings and compensation" not in shelter_sees


def test_the_case_page_block_of_a_case_without_remedies_says_so() -> None:
    # given
    t = cooperation_team()
    # when
    lead_sees = client_for(t.lead).get(reverse("web:case_detail", args=[t.case.id]))
    # then
    assert "No open proceeding." in lead_sees.content.decode()


def test_the_persons_report_lists_every_remedy_recorded_about_them() -> None:
    # given
    t = cooperation_team()
    p = criminal(t.lead, t.case)
    services.proceeding_stage_change(
        actor=t.lead, case_id=t.case.id, proceeding_id=p.pk, to_stage="trial", changed_on=TODAY
    )
    services.protective_measure_request(
        actor=t.lead,
        case_id=t.case.id,
        proceeding_id=p.pk,
        kind="anonymity",
        for_whom="family_member",
        asked_on=TODAY,
    )
    c = state_claim(t.lead, t.case)
    services.asset_record(
        actor=t.lead, case_id=t.case.id, claim_id=c.pk, description="Cash", status="frozen"
    )
    services.legal_aid_record(
        actor=t.lead, case_id=t.case.id, free_aid="not_applied", counsel_name="Anna Lawyer"
    )
    flag(t.lead, t.case)
    # when
    report = client_for(t.lead).get(reverse("web:person_report", args=[t.case.id]))
    # then
    html = report.content.decode()
    assert report.status_code == 200
    for words in (
        "Stage of a proceeding changed",
        "Protective measure asked for",
        "Asset confiscated for a compensation claim",
        "Anna Lawyer",
        "Possible compelled offence",
        "Kept cannabis plants in the house.",
    ):
        assert words in html
