"""The case gate for many cases read together (issue 16: a group plan solving for
everyone in it). ``selectors.cases_for`` decides each case by the rule ``case_for``
applies, on the same facts read in bulk (``access.policy.case_contexts``), in a
number of queries that does not grow with the cases: every case allowed or refused
exactly as when it passes the gate alone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.access import policy
from haven.access import services as access_services
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.cases import errors, selectors
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case, share_by_law

pytestmark = pytest.mark.django_db

JUSTIFICATION = "The person is in hospital tonight and the lead cannot be reached."
IDENTITY, NARRATIVE = FieldGroup.IDENTITY, FieldGroup.NARRATIVE


def _by_consent(case: Case, lead: User, shelter: Organisation) -> None:
    """The shelter on the team, reading the narrative only by the person's consent."""
    add_to_team(case=case, organisation=shelter, share=False)
    agreement = share_by_law(case=case, organisation=shelter, groups=[NARRATIVE, IDENTITY])
    agreement.consent_required = True
    agreement.save(update_fields=["consent_required"])
    access_services.consent_record(
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


def _cases(reader: User) -> dict[str, uuid.UUID]:
    """A shelter caseworker's view of six cases, each led by an NGO of its own (an
    agreement binds organisations, not one case) and reached by another rule, and a
    case id that does not exist."""
    shelter = reader.organisation
    assert shelter is not None

    def ngo_case() -> tuple[Case, User]:
        ngo = make_user(org_type=OrgType.NGO)
        return open_case(actor=ngo), ngo

    led = open_case(actor=reader)
    by_law, _ngo = ngo_case()
    add_to_team(case=by_law, organisation=shelter)
    by_consent, ngo = ngo_case()
    _by_consent(by_consent, ngo, shelter)
    no_agreement, _ngo = ngo_case()
    add_to_team(case=no_agreement, organisation=shelter, share=False)
    not_on_team, _ngo = ngo_case()
    emergency, _ngo = ngo_case()
    access_services.break_glass_open(
        actor=reader,
        case_id=emergency.id,
        person_id=emergency.person_id,
        justification=JUSTIFICATION,
    )
    return {
        "led": led.id,
        "by_law": by_law.id,
        "by_consent": by_consent.id,
        "no_agreement": no_agreement.id,
        "not_on_team": not_on_team.id,
        "emergency": emergency.id,
        "missing": uuid.uuid4(),
    }


def _alone(user: User, case_id: uuid.UUID, group: FieldGroup) -> str:
    """What the gate answers for one case passed alone: the decision's code, or the
    refusal's class and words."""
    try:
        gated = selectors.case_for(
            user=user, case_id=case_id, group=group, purpose=Purpose.ASSISTANCE
        )
    except (errors.CaseNotFound, errors.GroupNotAllowed) as exc:
        return f"{type(exc).__name__}: {exc.message}"
    return gated.decision.code


def _together(gates: selectors.GatedCases, case_id: uuid.UUID) -> str:
    try:
        gated = gates.get(case_id)
    except (errors.CaseNotFound, errors.GroupNotAllowed) as exc:
        return f"{type(exc).__name__}: {exc.message}"
    return gated.decision.code


def _shelter_worker(**kwargs: Any) -> User:
    return make_user(org_type=OrgType.SHELTER, **kwargs)


def _kind(answer: str) -> str:
    """An answer's decision code if allowed, else whether the case was hidden or
    the group refused."""
    if answer.startswith("CaseNotFound: "):
        return "hidden"
    return "refused" if answer.startswith("GroupNotAllowed: ") else answer


EXPECTED = {
    IDENTITY: {
        "led": "case_lead",
        "by_law": "legal_basis",
        "by_consent": "refused",  # the person consented to the narrative only
        "no_agreement": "refused",
        "not_on_team": "hidden",
        "emergency": "break_glass",
        "missing": "hidden",
    },
    NARRATIVE: {
        "led": "refused",  # shelters do not see the narrative by default
        "by_law": "refused",
        "by_consent": "consent_and_agreement",
        "no_agreement": "refused",
        "not_on_team": "hidden",
        "emergency": "refused",
        "missing": "hidden",
    },
}


@pytest.mark.parametrize("group", [IDENTITY, NARRATIVE])
def test_each_case_read_together_is_allowed_or_refused_as_when_read_alone(
    group: FieldGroup,
) -> None:
    # given: a shelter caseworker and cases reached by every rule of the gate
    reader = _shelter_worker()
    cases = _cases(reader)

    # when
    gates = selectors.cases_for(
        user=reader, case_ids=cases.values(), group=group, purpose=Purpose.ASSISTANCE
    )

    # then: the same answer, refusals in the same words, as one case at a time
    together = {name: _together(gates, pk) for name, pk in cases.items()}
    assert together == {name: _alone(reader, pk, group) for name, pk in cases.items()}
    assert {name: _kind(answer) for name, answer in together.items()} == EXPECTED[group]
    allowed = {name for name, kind in EXPECTED[group].items() if kind not in ("hidden", "refused")}
    assert set(gates.allowed) == {cases[name] for name in allowed}
    assert set(gates.refused) == {pk for name, pk in cases.items() if name not in allowed}


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: _shelter_worker(is_active=False), id="deactivated"),
        pytest.param(
            lambda: UserFactory.create(organisation=None, role=Role.CASEWORKER),
            id="no organisation",
        ),
        pytest.param(lambda: _shelter_worker(role=Role.RAPPORTEUR), id="no case role"),
    ],
)
def test_a_user_without_case_access_is_refused_every_case_together_as_alone(
    who: Callable[[], User],
) -> None:
    # given: cases a shelter caseworker reads, asked by a user who may read none
    cases = _cases(_shelter_worker())
    user = who()

    # when
    gates = selectors.cases_for(
        user=user, case_ids=cases.values(), group=IDENTITY, purpose=Purpose.ASSISTANCE
    )

    # then
    assert gates.allowed == {}
    assert {name: _together(gates, pk) for name, pk in cases.items()} == {
        name: _alone(user, pk, IDENTITY) for name, pk in cases.items()
    }


def _shared_cases(reader: User, count: int) -> list[uuid.UUID]:
    """``count`` cases an NGO leads and shares with the reader's shelter: the
    decisions that read consents and agreements."""
    ngo = make_user(org_type=OrgType.NGO)
    assert reader.organisation is not None
    out = []
    for _ in range(count):
        case = open_case(actor=ngo)
        _by_consent(case, ngo, reader.organisation)
        out.append(case.id)
    return out


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_gate_reads_many_cases_in_the_same_queries_as_few() -> None:
    # given: two shelter caseworkers, one with two cases shared, one with five
    few_reader, many_reader = _shelter_worker(), _shelter_worker()
    few, many = _shared_cases(few_reader, 2), _shared_cases(many_reader, 5)

    def read(user: User, ids: list[uuid.UUID]) -> Callable[[], object]:
        return lambda: selectors.cases_for(
            user=user, case_ids=ids, group=NARRATIVE, purpose=Purpose.ASSISTANCE
        )

    # when
    queries = (_queries(read(few_reader, few)), _queries(read(many_reader, many)))

    # then: the cases, the teams, the grants, the consents, the clauses and their
    # parties: one query each, whatever the number of cases
    assert queries == (6, 6)
    assert len(read(many_reader, many)().allowed) == 5  # type: ignore[attr-defined]


def test_contexts_loaded_together_decide_as_contexts_loaded_alone() -> None:
    # given: cases reached by every rule, their facts loaded together and alone
    reader = _shelter_worker()
    cases = [pk for name, pk in _cases(reader).items() if name != "missing"]
    together = policy.case_contexts(case_ids=[*cases, *cases], user=reader)

    # when
    def decisions(contexts: Callable[[uuid.UUID], policy.CaseContext]) -> list[object]:
        return [
            (
                policy.may_see_case(user=reader, case_id=pk, context=contexts(pk)),
                policy.decide(
                    user=reader, case_id=pk, field_group=group, context=contexts(pk)
                ).code,
            )
            for pk in cases
            for group in (IDENTITY, NARRATIVE)
        ]

    # then
    assert list(together) == cases
    assert decisions(together.__getitem__) == decisions(lambda pk: policy.case_context(case_id=pk))
    assert policy.case_contexts(case_ids=[], user=reader) == {}
