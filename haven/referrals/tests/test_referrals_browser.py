"""Referral in real Chromium (issue 6, R-47): an NGO refers a presumed victim to a
shelter; the shelter accepts and then sees exactly the shared groups.

The organisations, the users, the case, the positive reasonable-grounds decision
(the police on the team decide), the cooperation agreement NGO → shelter and the
person's consent are set up through services and factories; the referral, its
answer and the reads are done through the pages. The case page has no link to
the referral form and the menu none to the incoming referrals yet, so those two
pages are reached by their address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright import CreateContextCallback

from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.access.tests import factories as access_factories
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.models import Case, Draft
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import add_to_team, open_case
from haven.identification.services import decisions
from haven.referrals.models import Referral
from haven.web.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NGO = "Northern Lights Support"
SHELTER = "Harbour Safe House"
AGREEMENT = "NGO and shelter accommodation 2026"
SHARED = (FieldGroup.IDENTITY, FieldGroup.LOCATION, FieldGroup.SERVICES)
NOT_SHARED = tuple(group for group in FieldGroup if group not in SHARED)
MESSAGE = "Needs a safe bed from tonight; speaks Finnish and some English."
GROUPS_FIELD = "Information the receiver will see once it accepts"


@dataclass(frozen=True)
class Referring:
    ngo: User  # caseworker of the NGO that leads the case
    shelter: User  # caseworker of the shelter, not on the team
    shelter_org: Organisation
    case: Case


def _referring(*, consented: bool = True) -> Referring:
    """A presumed victim's case led by the NGO; an agreement in force lets identity,
    location and services flow to the shelter for assistance, with consent, and (if
    ``consented``) the person consented to exactly that."""
    ngo = make_user(organisation=OrganisationFactory.create(name=NGO, org_type=OrgType.NGO))
    shelter_org = OrganisationFactory.create(name=SHELTER, org_type=OrgType.SHELTER)
    shelter = make_user(organisation=shelter_org)
    police = make_user(org_type=OrgType.POLICE)
    admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    case = open_case(actor=ngo, narrative="Recruited with a promise of work in a kitchen.")
    assert police.organisation is not None and ngo.organisation is not None
    add_to_team(case=case, organisation=police.organisation, by=ngo)
    decisions.decision_record(
        actor=police,
        case_id=case.id,
        decision_type="reasonable_grounds",
        outcome="positive",
        reasons="Credible account of deceptive recruitment.",
        legal_basis="Test Act s. 1",
    )
    proposed = access_services.agreement_propose(
        actor=admin,
        name=AGREEMENT,
        document_reference="MoU 2026/3, archive of the national coordinator",
        valid_from=timezone.localdate() - timedelta(days=30),
        consent_required=True,
        parties=[
            access_services.Party(organisation=ngo.organisation),
            access_services.Party(organisation=shelter_org),
        ],
        flows=[
            access_services.Flow(
                organisation=shelter_org, purposes=[Purpose.ASSISTANCE], field_groups=SHARED
            )
        ],
    )
    access_factories.approve_by_every_party(proposed)
    case = Case.objects.select_related("person__data_key").get(pk=case.pk)
    assert case.identification_status == IdentificationStatus.PRESUMED
    if not consented:
        return Referring(ngo=ngo, shelter=shelter, shelter_org=shelter_org, case=case)
    access_services.consent_record(
        actor=ngo,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        child=case.person.treat_as_child,
        purpose=Purpose.ASSISTANCE,
        field_groups=SHARED,
        given_on=timezone.localdate(),
        language="fi",
        information_given="What is shared, with whom, and that refusing changes no help.",
        recipient_organisation=shelter_org,
    )
    return Referring(ngo=ngo, shelter=shelter, shelter_org=shelter_org, case=case)


def _console_problems(page: Page, *, expected_status: int | None = None) -> list[str]:
    """Console errors and uncaught exceptions, except the browser's own request for
    /favicon.ico and the one error status the test means to get (the 404 of a case
    not yet shared, the 400 of a refused form)."""
    seen: list[str] = []
    expected = f"the server responded with a status of {expected_status} "

    def record(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico") or (expected_status and expected in message.text):
            return
        if message.type == "error":
            seen.append(f"{message.text} ({url})")

    page.on("console", record)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def _flow_row(page: Page, label: str) -> Locator:
    table = page.get_by_role("table", name="Which information can be shared")
    return table.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))


def _check_flows_to_shelter(page: Page) -> None:
    check = page.locator("form").filter(has=page.get_by_role("button", name="Check"))
    check.get_by_label("Organisation").select_option(label=SHELTER)
    check.get_by_label("Purpose").select_option("assistance")
    check.get_by_role("button", name="Check").click()


def _fill_referral(page: Page, groups: tuple[FieldGroup, ...]) -> None:
    page.get_by_label("Refer to").select_option(label=SHELTER)
    page.get_by_label("Type of referral").select_option(label="Safe accommodation")
    page.locator("#id_purpose").select_option("assistance")
    fieldset = page.get_by_role("group", name=GROUPS_FIELD)
    for group in groups:
        fieldset.get_by_role("checkbox", name=str(group.label), exact=True).check()
    page.get_by_label("Message to the receiver").fill(MESSAGE)
    page.get_by_role("button", name="Send the referral").click()


def _group(page: Page, group: FieldGroup) -> Locator:
    return page.get_by_role("region", name=str(group.label), exact=True)


def test_r47_a_shelter_accepts_a_referral_and_then_sees_exactly_the_shared_groups(
    page: Page,
    new_context: CreateContextCallback,
    live_server: LiveServer,
    csp_violations: list[str],
) -> None:
    # given
    r = _referring()
    case_url = live_server.url + reverse("web:case_detail", args=[r.case.id])
    ngo_problems = _console_problems(page)

    # when: the NGO caseworker opens the case, then the referral form, and checks the shelter
    sign_in(page, live_server, r.ngo)
    page.get_by_role("link", name=r.case.reference).click()
    expect(page.locator(".badges").get_by_text("Presumed victim", exact=True)).to_be_visible()
    page.goto(live_server.url + reverse("referrals:referral_new", args=[r.case.id]))
    _check_flows_to_shelter(page)

    # then: per group, whether it can flow there, and what is missing (issue 11)
    for group in SHARED:
        expect(_flow_row(page, str(group.label))).to_contain_text("Yes")
    for group in (FieldGroup.NARRATIVE, FieldGroup.HEALTH):
        row = _flow_row(page, str(group.label))
        expect(row).to_contain_text("No: an agreement is needed")
        expect(row).to_contain_text(re.compile("organisation administrators of .+ can record one"))

    # when: the referral, for the three groups that can flow
    _fill_referral(page, SHARED)

    # then
    expect(page.get_by_text("The referral was sent.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral, case {r.case.reference}")

    # when: the shelter caseworker signs in and tries the case before accepting
    shelter_page = new_context().new_page()
    shelter_problems = _console_problems(shelter_page, expected_status=404)
    sign_in(shelter_page, live_server, r.shelter)
    response = shelter_page.goto(case_url)

    # then: no such case for the shelter yet
    assert response is not None and response.status == 404
    expect(shelter_page.get_by_text(MESSAGE)).to_have_count(0)

    # when: the incoming referrals
    shelter_page.goto(live_server.url + reverse("referrals:referral_incoming"))

    # then: with its state and age
    row = shelter_page.get_by_role("row").filter(
        has=shelter_page.get_by_role("link", name=r.case.reference)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NGO)
    expect(row).to_contain_text("Safe accommodation")
    expect(row).to_contain_text("identity, location, services")
    expect(row).to_contain_text("Waiting for an answer")
    expect(row).to_contain_text("0 hours")

    # when: the shelter opens it, reads the message and accepts
    row.get_by_role("link", name=r.case.reference).click()
    expect(shelter_page.get_by_text(MESSAGE)).to_be_visible()
    shelter_page.get_by_role("button", name="Accept the referral").click()

    # then: straight to the case, with the service it was asked for (issue 11)
    expect(
        shelter_page.get_by_text("Referral accepted: your organisation is now on the case team.")
    ).to_be_visible()
    expect(
        shelter_page.get_by_text("Your organisation accepted this referral from")
    ).to_be_visible()

    # then: the shared groups, each with why; every other group hidden, with why
    expect(shelter_page.get_by_role("heading", level=1)).to_have_text(f"Case {r.case.reference}")
    for group in SHARED:
        expect(_group(shelter_page, group)).to_contain_text(
            re.compile(
                f"Why can I see this: Shared by consent of .* under the agreement '{AGREEMENT}'"
            )
        )
    expect(_group(shelter_page, FieldGroup.IDENTITY)).to_contain_text("Aino")
    expect(_group(shelter_page, FieldGroup.LOCATION)).to_contain_text("Safe house 7")
    for group in NOT_SHARED:
        expect(_group(shelter_page, group)).to_contain_text(
            f"Hidden: No cooperation agreement in force lets {group.value} flow to {SHELTER} "
            f"for assistance. Ask the case lead ({NGO})."
        )
        expect(_group(shelter_page, group).get_by_text("Why can I see this")).to_have_count(0)
    expect(shelter_page.get_by_text("Recruited with a promise")).to_have_count(0)
    expect(shelter_page.get_by_text("injured wrist")).to_have_count(0)
    expect(shelter_page.get_by_text("+358 40")).to_have_count(0)
    assert ngo_problems == []
    assert shelter_problems == []
    assert csp_violations == []


def test_r47_a_group_that_cannot_flow_is_refused_next_to_the_groups_in_plain_words(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given
    r = _referring()
    problems = _console_problems(page, expected_status=400)
    sign_in(page, live_server, r.ngo)

    # when: the narrative is chosen too, which no agreement lets flow to the shelter
    page.goto(live_server.url + reverse("referrals:referral_new", args=[r.case.id]))
    _fill_referral(page, (*SHARED, FieldGroup.NARRATIVE))

    # then: refused, next to the groups, naming the group and why; nothing sent
    fieldset = page.get_by_role("group", name=GROUPS_FIELD)
    expect(fieldset.locator(".errorlist")).to_have_text(
        re.compile(
            "^Narrative cannot be shared: no cooperation agreement in force lets it flow. "
            f"The administrators of {NGO}, {SHELTER} can record one."
        )
    )
    expect(page.get_by_role("alert")).to_contain_text("Narrative cannot be shared")
    expect(page.get_by_label("Message to the receiver")).to_have_value(MESSAGE)
    assert not Referral.objects.exists()
    assert problems == []
    assert csp_violations == []


def test_issue11_the_missing_consent_is_recorded_from_the_referral_check_and_the_referral_sent(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: the agreement lets three groups reach the shelter, but the person has not
    # consented yet
    r = _referring(consented=False)
    problems = _console_problems(page)
    sign_in(page, live_server, r.ngo)

    # when: the caseworker checks what can reach the shelter
    page.goto(live_server.url + reverse("referrals:referral_new", args=[r.case.id]))
    _check_flows_to_shelter(page)

    # then: each of the three waits for a consent
    for group in SHARED:
        expect(_flow_row(page, str(group.label))).to_contain_text("Not yet: consent needed")

    # when: one consent for all three, from the check's own link, prefilled
    page.get_by_role("link", name="Record one consent for every kind that needs it").click()
    expect(page.get_by_label("Shared with")).to_have_value(f"org:{r.shelter_org.pk}")
    kinds = page.get_by_role("group", name="Kinds of information")
    for group in SHARED:
        expect(kinds.get_by_role("checkbox", name=str(group.label), exact=True)).to_be_checked()
    language = page.get_by_label("Language the information was given in", exact=True)
    if language.evaluate("element => element.tagName") == "SELECT":
        language.select_option("fi")
    else:
        language.fill("fi")
    page.get_by_label("Information given to the person").fill(
        "Which shelter, what it will know, and that saying no changes none of her help."
    )
    page.get_by_role("button", name="Record the consent").click()

    # then: back on the check, where the three can now flow
    expect(page.get_by_text("The consent was recorded. It applies at once.")).to_be_visible()
    for group in SHARED:
        expect(_flow_row(page, str(group.label))).to_contain_text("Yes")

    # when: the referral, for those three
    _fill_referral(page, SHARED)

    # then
    expect(page.get_by_text("The referral was sent.")).to_be_visible()
    assert Referral.objects.filter(case=r.case, to_organisation=r.shelter_org).count() == 1
    assert problems == []
    assert csp_violations == []


def test_issue11_a_referral_saved_as_a_draft_is_resumed_from_your_drafts_and_sent(
    page: Page, live_server: LiveServer, csp_violations: list[str]
) -> None:
    # given: the caseworker half fills the referral (no type chosen yet)
    r = _referring()
    problems = _console_problems(page)
    sign_in(page, live_server, r.ngo)
    form_url = live_server.url + reverse("referrals:referral_new", args=[r.case.id])
    page.goto(form_url)
    page.get_by_label("Refer to").select_option(label=SHELTER)
    page.get_by_label("Message to the receiver").fill(MESSAGE)

    # when: saved as a draft, and found again under "Your drafts" later
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft was saved.")).to_be_visible()
    page.goto(form_url)
    page.get_by_role("link", name="Referral, saved").click()

    # then: what was typed is back, with what can reach the shelter chosen
    expect(page.get_by_label("Refer to")).to_have_value(str(r.shelter_org.pk))
    expect(page.get_by_label("Message to the receiver")).to_have_value(MESSAGE)
    expect(_flow_row(page, str(FieldGroup.LOCATION.label))).to_contain_text("Yes")

    # when: finished and sent
    page.get_by_label("Type of referral").select_option(label="Safe accommodation")
    fieldset = page.get_by_role("group", name=GROUPS_FIELD)
    for group in SHARED:
        fieldset.get_by_role("checkbox", name=str(group.label), exact=True).check()
    page.get_by_role("button", name="Send the referral").click()

    # then: the referral is sent and the draft is gone
    expect(page.get_by_text("The referral was sent.")).to_be_visible()
    assert Referral.objects.filter(case=r.case, to_organisation=r.shelter_org).exists()
    assert not Draft.objects.exists()
    assert problems == []
    assert csp_violations == []
