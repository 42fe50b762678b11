"""The case's erasure page (issue 12): offered from the case page exactly to those
it lets in, a second approver, legal holds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.cases import services
from haven.cases.models import Case, ErasureRequest, ErasureState, LegalHold, Person
from haven.cases.tests.factories import add_to_team, open_case
from haven.web.tests.factories import sign_in


def _setting() -> tuple[Case, User, User, User, User]:
    """A case led by an NGO (a caseworker, two supervisors) with police on the team."""
    caseworker = make_user(role=Role.CASEWORKER)
    first = UserFactory.create(organisation=caseworker.organisation, role=Role.SUPERVISOR)
    second = UserFactory.create(organisation=caseworker.organisation, role=Role.SUPERVISOR)
    police = make_user(org_type=OrgType.POLICE, role=Role.CASEWORKER)
    case = open_case(actor=caseworker)
    add_to_team(case=case, organisation=police.organisation)  # type: ignore[arg-type]
    return case, caseworker, first, second, police


def _erased(case: Case) -> bool:
    return Person.objects.get(pk=case.person_id).erased_at is not None


@pytest.mark.django_db
def test_r39_the_case_page_offers_erasure_exactly_to_those_the_erasure_page_lets_in() -> None:
    # given
    case, caseworker, first, _, police = _setting()
    page = reverse("cases:erasure", args=[case.id])
    detail = reverse("web:case_detail", args=[case.id])

    # when
    answers = {}
    for user in (caseworker, first, police):
        client = sign_in(Client(), user)
        answers[user.username] = (
            client.get(page).status_code,
            f'href="{page}"' in client.get(detail).content.decode(),
        )

    # then: the lead's staff see and open it; a police caseworker neither
    assert answers == {
        caseworker.username: (200, True),
        first.username: (200, True),
        police.username: (403, False),
    }


@pytest.mark.django_db
def test_r39_erasure_through_the_page_needs_a_second_supervisor() -> None:
    # given
    case, _, first, second, _ = _setting()
    page = reverse("cases:erasure", args=[case.id])
    asking = sign_in(Client(), first)

    # when: a bad reason is refused beside its field, then the request is made
    bad = asking.post(page, {"erasure-reason": "other", "erasure-note": ""})
    asked = asking.post(page, {"erasure-reason": "person_asked", "erasure-note": ""})
    row = ErasureRequest.objects.get(case=case)
    approve = reverse("cases:erasure_approve", args=[row.pk])
    own_page = asking.get(page).content.decode()
    own = asking.post(approve, follow=True)
    erased_by_own = _erased(case)
    answering = sign_in(Client(), second)
    their_page = answering.get(page).content.decode()
    approved = answering.post(approve)

    # then
    assert bad.status_code == 400 and "Say why" in bad.content.decode()
    assert asked.status_code == 302
    assert f'action="{approve}"' not in own_page  # not offered to the one who asked
    assert "you asked for this erasure yourself" in own.content.decode()
    assert not erased_by_own
    assert f'action="{approve}"' in their_page
    assert approved.status_code == 302
    assert _erased(case)
    row.refresh_from_db()
    assert row.state == ErasureState.ERASED


@pytest.mark.django_db
def test_r39_a_refusal_through_the_page_needs_a_reason_and_keeps_the_data() -> None:
    # given
    case, caseworker, first, _, _ = _setting()
    row = services.erasure_request(actor=caseworker, case_id=case.id, reason="person_asked")
    client = sign_in(Client(), first)
    refuse = reverse("cases:erasure_refuse", args=[row.pk])

    # when
    blank = client.post(refuse, {"refuse-reason": ""})
    refused = client.post(refuse, {"refuse-reason": "Court proceedings are open."})
    again = client.post(refuse, {"refuse-reason": "Again."}, follow=True)

    # then
    assert blank.status_code == 400
    assert refused.status_code == 302
    assert "already answered" in again.content.decode()
    row.refresh_from_db()
    assert row.state == ErasureState.REFUSED
    assert not _erased(case)
    assert (
        "Court proceedings are open."
        in client.get(reverse("cases:erasure", args=[case.id])).content.decode()
    )


@pytest.mark.django_db
def test_r40_legal_holds_through_the_page_for_supervisors_on_the_team_only() -> None:
    # given
    case, caseworker, first, _, _ = _setting()
    place = reverse("cases:legal_hold_place", args=[case.id])
    page = reverse("cases:erasure", args=[case.id])

    # when
    refused = sign_in(Client(), caseworker).post(place, {"hold-reason": "investigation"})
    offered_to_caseworker = (
        'name="hold-reason"' in sign_in(Client(), caseworker).get(page).content.decode()
    )
    client = sign_in(Client(), first)
    bad = client.post(place, {"hold-reason": "whim"})
    placed = client.post(place, {"hold-reason": "investigation"})
    hold = LegalHold.objects.get(case=case)
    held_page = client.get(page).content.decode()
    lifted = client.post(reverse("cases:legal_hold_lift", args=[hold.pk]))

    # then
    assert refused.status_code == 403 and not offered_to_caseworker
    assert bad.status_code == 400
    assert placed.status_code == 302
    assert "cannot be asked for until it is lifted" in held_page
    assert lifted.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == first


@pytest.mark.django_db
def test_r39_approving_under_a_legal_hold_is_refused_on_the_page() -> None:
    # given
    case, caseworker, first, _, _ = _setting()
    row = services.erasure_request(actor=caseworker, case_id=case.id, reason="person_asked")
    services.legal_hold_place(actor=first, case_id=case.id, reason="proceedings")
    client = sign_in(Client(), first)

    # when
    answered = client.post(reverse("cases:erasure_approve", args=[row.pk]), follow=True)

    # then
    assert "legal hold keeps" in answered.content.decode()
    assert not _erased(case)
    missing = client.post(
        reverse("cases:erasure_approve", args=["00000000-0000-0000-0000-000000000000"])
    )
    assert missing.status_code == 404
