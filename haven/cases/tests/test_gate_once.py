"""The case gate, loaded once per page (issue 13): inside ``selectors.gate_once`` the
case and its sharing facts are read once, and every pass still decides for its own
user, case, field group and purpose; a write, or any row saved meanwhile, loads
them again; the memo ends with the block."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.access import hooks as access_hooks
from haven.access import services as access_services
from haven.access.models import Agreement, Consent, FieldGroup, Purpose
from haven.access.services import agreements as agreement_services
from haven.access.tests.factories import approver_of
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import AuditEvent
from haven.cases import errors, selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case, share_by_law

pytestmark = pytest.mark.django_db

NARRATIVE = FieldGroup.NARRATIVE


def _pass(user: User, case: Case, group: FieldGroup = NARRATIVE) -> selectors.GatedCase:
    return selectors.case_for(user=user, case_id=case.id, group=group, purpose=Purpose.ASSISTANCE)


def _queries(call: object) -> int:
    assert callable(call)
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _shelter_with_consent(case: Case, lead: User) -> tuple[User, Consent]:
    """A shelter on the team that reads the narrative only by the person's consent."""
    shelter = OrganisationFactory.create(org_type=OrgType.SHELTER)
    add_to_team(case=case, organisation=shelter, share=False)
    agreement = share_by_law(case=case, organisation=shelter, groups=[NARRATIVE])
    agreement.consent_required = True
    agreement.save(update_fields=["consent_required"])
    consent = access_services.consent_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        purpose=Purpose.ASSISTANCE,
        field_groups=[NARRATIVE],
        given_on=timezone.localdate(),
        language="en",
        information_given="Explained.",
        recipient_organisation=shelter,
    )
    return UserFactory.create(organisation=shelter, role=Role.CASEWORKER), consent


def test_issue13_the_gate_loads_a_case_once_per_page_and_audits_every_read() -> None:
    # given
    lead = make_user()
    case = open_case(actor=lead)
    events = AuditEvent.objects.count()

    # when
    with selectors.gate_once():
        first = _queries(lambda: _pass(lead, case).audit_record())
        again = _queries(lambda: _pass(lead, case, FieldGroup.LEGAL).audit_record())
        same_group = _queries(lambda: _pass(lead, case).audit_record())
    after = _queries(lambda: _pass(lead, case))

    # then: the case, its team and the grant once; then only each read's audit event
    audit_only = _queries(lambda: _pass(lead, case).audit_record()) - after
    assert first > again == same_group == audit_only
    assert after > 0  # the memo ended with the block
    assert AuditEvent.objects.count() - events == 4


def test_issue13_a_case_loaded_for_one_user_is_still_decided_for_the_next() -> None:
    # given: the lead loads the case first, in the same page
    lead = make_user()
    case = open_case(actor=lead)
    outsider = make_user()
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)

    # when / then
    with selectors.gate_once():
        assert _pass(lead, case, FieldGroup.HEALTH).decision.allowed
        with pytest.raises(errors.CaseNotFound):  # denied: not on the team
            _pass(outsider, case)
        with pytest.raises(errors.GroupNotAllowed):  # denied: police never see health
            _pass(police, case, FieldGroup.HEALTH)
        assert _pass(police, case).decision.allowed  # allowed: the narrative by law


def test_issue13_each_case_is_decided_on_its_own_facts() -> None:
    # given: two cases of two leads
    lead, other_lead = make_user(), make_user()
    ours = open_case(actor=lead)
    theirs = open_case(actor=other_lead)

    # when / then
    with selectors.gate_once():
        assert _pass(lead, ours).case.id == ours.id
        assert _pass(other_lead, theirs).case.id == theirs.id
        with pytest.raises(errors.CaseNotFound):
            _pass(lead, theirs)
        with pytest.raises(errors.CaseNotFound):
            _pass(other_lead, ours)


def test_issue13_r20_a_consent_withdrawn_during_a_page_stops_the_next_read() -> None:
    # given: the shelter reads the narrative by consent, and the page has loaded it
    lead = make_user()
    case = open_case(actor=lead)
    reader, consent = _shelter_with_consent(case, lead)

    # when / then
    with selectors.gate_once():
        assert _pass(reader, case).decision.code == "consent_and_agreement"  # allowed
        access_services.consent_withdraw(
            actor=lead, consent_id=consent.id, person_id=case.person_id
        )
        with pytest.raises(errors.GroupNotAllowed):  # denied at once, in the same page
            _pass(reader, case)


def test_issue13_a_write_through_the_gate_reads_the_case_again() -> None:
    # given
    lead = make_user()
    case = open_case(actor=lead)

    # when
    with selectors.gate_once():
        _pass(lead, case)
        write = _queries(
            lambda: selectors.case_for(
                user=lead, case_id=case.id, group=NARRATIVE, purpose=Purpose.ASSISTANCE, write=True
            )
        )
        read_after = _queries(lambda: _pass(lead, case))

    # then: the write locks and loads the case; the read after it loads it afresh
    assert write > 0 and read_after > 0


def test_issue13_audit_events_do_not_empty_the_memo() -> None:
    # given
    lead = make_user()
    case = open_case(actor=lead)

    # when
    with selectors.gate_once():
        _pass(lead, case).audit_record()
        second = _queries(lambda: _pass(lead, case))

    # then
    assert second == 0


def test_issue13_a_malformed_or_missing_case_is_the_same_404_inside_a_page() -> None:
    # given
    lead = make_user()

    # when / then
    with selectors.gate_once():
        for case_id in ("not-a-case", "7d3f2b9e-0000-4000-8000-000000000000"):
            with pytest.raises(errors.CaseNotFound):
                selectors.case_for(
                    user=lead, case_id=case_id, group=NARRATIVE, purpose=Purpose.ASSISTANCE
                )


def test_issue13_a_bulk_update_inside_a_write_through_the_gate_is_never_served_stale() -> None:
    # given: the shelter reads the narrative by consent, and the page has loaded it
    lead = make_user()
    case = open_case(actor=lead)
    reader, consent = _shelter_with_consent(case, lead)

    # when: a write passes the gate, then withdraws the consent with a bulk update
    # (no model signal is sent)
    with selectors.gate_once():
        assert _pass(reader, case).decision.allowed
        selectors.case_for(
            user=lead, case_id=case.id, group=NARRATIVE, purpose=Purpose.ASSISTANCE, write=True
        )
        Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())

        # then: denied at once, in the same page
        with pytest.raises(errors.GroupNotAllowed):
            _pass(reader, case)


def _withdraw(case: Case, lead: User, consent: Consent, shelter: User) -> None:
    access_services.consent_withdraw(actor=lead, consent_id=consent.id, person_id=case.person_id)


def _record_consent(case: Case, lead: User, consent: Consent, shelter: User) -> None:
    access_services.consent_record(
        actor=lead,
        case_id=case.id,
        person_id=case.person_id,
        data_key=case.person.data_key,
        purpose=Purpose.ASSISTANCE,
        field_groups=[FieldGroup.LEGAL],
        given_on=timezone.localdate(),
        language="en",
        information_given="Explained.",
        recipient_organisation=shelter.organisation,
    )


def _add_member(case: Case, lead: User, consent: Consent, shelter: User) -> None:
    police = OrganisationFactory.create(org_type=OrgType.POLICE)
    access_services.team_member_add(case_id=case.id, organisation=police, by=lead)


def _move_lead(case: Case, lead: User, consent: Consent, shelter: User) -> None:
    assert shelter.organisation is not None
    access_services.team_lead_move(case_id=case.id, to_organisation=shelter.organisation, by=lead)


def _break_glass(case: Case, lead: User, consent: Consent, shelter: User) -> None:
    access_services.break_glass_open(
        actor=make_user(),
        case_id=case.id,
        person_id=case.person_id,
        justification="The person is in hospital and cannot answer.",
    )


def _end_agreement(case: Case, lead: User, consent: Consent, shelter: User) -> None:
    law = Agreement.objects.get(parties__organisation=shelter.organisation)
    party = law.parties.select_related("organisation").order_by("pk").first()
    assert party is not None
    agreement_services.agreement_end(actor=approver_of(party), agreement_id=law.id)


@pytest.mark.parametrize(
    "change",
    [_withdraw, _record_consent, _add_member, _move_lead, _break_glass, _end_agreement],
)
def test_issue13_every_service_that_changes_sharing_facts_empties_the_memo(
    change: Callable[[Case, User, Consent, User], None],
) -> None:
    # given: the page has loaded the case and its sharing facts
    lead = make_user()
    case = open_case(actor=lead)
    shelter, consent = _shelter_with_consent(case, lead)

    def load_again() -> None:
        # After the lead moved the old lead may be refused: the facts were read anew.
        with contextlib.suppress(errors.GroupNotAllowed):
            _pass(lead, case)

    # when
    with selectors.gate_once():
        _pass(lead, case)
        change(case, lead, consent, shelter)
        again = _queries(load_again)

    # then: the case and its facts are loaded afresh
    assert again > 0
    assert "haven.cases.selectors.forget_gated_cases" in access_hooks.sharing_handlers()


def test_issue13_a_write_that_changes_no_sharing_fact_keeps_the_memo() -> None:
    # given
    lead = make_user()
    case = open_case(actor=lead)

    # when: a row is saved meanwhile (the user's last sign-in; nothing a decision rests on)
    with selectors.gate_once():
        _pass(lead, case)
        lead.last_login = timezone.now()
        lead.save(update_fields=["last_login"])
        second = _queries(lambda: _pass(lead, case))

    # then: the memo still answers
    assert second == 0
