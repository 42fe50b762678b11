"""The date a person became a registered victim (R-44), kept on the case so that the
statistics of a year read one indexed column instead of every case's history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from haven.accounts.tests.factories import make_user
from haven.cases import services
from haven.cases.models import Case, StatusTransition
from haven.cases.status import IdentificationStatus as S
from haven.cases.tests.factories import open_case
from haven.lib.tests.migrations import latest, migrate


def _move(actor: object, case: Case, to: str, on: date) -> None:
    services.case_transition(
        pathway_decision=True,
        actor=actor,  # type: ignore[arg-type]
        case_id=case.id,
        to_status=to,
        reasons="Reasons the person can be given.",
        legal_basis="Test Act s. 1",
        decided_on=on,
    )


@pytest.mark.django_db
def test_r44_the_first_decision_into_a_registered_status_dates_the_registration() -> None:
    # given: a potential victim, then presumed, not identified, presumed again, identified
    ngo = make_user()
    case = open_case(actor=ngo)
    first = timezone.localdate() - timedelta(days=40)
    unregistered = Case.objects.get(pk=case.pk).registered_on

    # when
    _move(ngo, case, S.PRESUMED, first)
    _move(ngo, case, S.NOT_IDENTIFIED, first + timedelta(days=10))
    _move(ngo, case, S.PRESUMED, first + timedelta(days=20))
    _move(ngo, case, S.IDENTIFIED, first + timedelta(days=30))

    # then: registered on the first decision's date, never moved by later ones
    assert unregistered is None
    assert Case.objects.get(pk=case.pk).registered_on == first


@pytest.mark.django_db
def test_r44_a_person_who_declines_formal_identification_is_registered_too() -> None:
    # given
    ngo = make_user()
    case = open_case(actor=ngo)
    on = timezone.localdate() - timedelta(days=3)

    # when
    services.case_transition(
        actor=ngo,
        case_id=case.id,
        to_status=S.DECLINED_FORMAL_IDENTIFICATION,
        reasons="The person chose not to be formally identified.",
        legal_basis="Test Act s. 2",
        decided_on=on,
    )

    # then
    assert Case.objects.get(pk=case.pk).registered_on == on


@pytest.mark.django_db
def test_r44_a_withdrawal_or_negative_decision_alone_registers_nobody() -> None:
    # given
    ngo = make_user()
    refused, withdrawn = open_case(actor=ngo), open_case(actor=ngo)

    # when
    _move(ngo, refused, S.NOT_IDENTIFIED, timezone.localdate())
    services.case_transition(
        actor=ngo,
        case_id=withdrawn.id,
        to_status=S.WITHDRAWN,
        reasons="The person left.",
        legal_basis="Test Act s. 3",
    )

    # then
    assert list(Case.objects.values_list("registered_on", flat=True)) == [None, None]


LAST_BEFORE = ("cases", "0009_my_cases_index_in_the_pages_order")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_r44_the_migration_dates_existing_registrations_from_the_history() -> None:
    # given: a case presumed twice (dated history), and a case never registered
    ngo = make_user()
    registered, potential = open_case(actor=ngo), open_case(actor=ngo)
    first = timezone.localdate() - timedelta(days=50)
    _move(ngo, registered, S.PRESUMED, first + timedelta(days=5))
    _move(ngo, registered, S.NOT_IDENTIFIED, first + timedelta(days=6))
    _move(ngo, registered, S.PRESUMED, first + timedelta(days=7))
    # an older decision recorded later still counts by its decision date
    StatusTransition.objects.filter(case=registered, to_status=S.PRESUMED).order_by(
        "recorded_at"
    ).filter(decided_on=first + timedelta(days=7)).update(decided_on=first)
    migrate([LAST_BEFORE])

    # when
    migrate(latest())

    # then
    dates = dict(Case.objects.values_list("pk", "registered_on"))
    assert dates == {registered.pk: first, potential.pk: None}
