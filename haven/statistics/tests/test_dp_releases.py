"""Protected releases and the privacy-budget ledger (R-46, issue 15): who may release,
the refusal over budget, what a release stores and audits, and where its true counts
come from."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.access.models import FieldGroup, Purpose
from haven.audit.models import Action, AuditEvent
from haven.cases.models import ExploitationForm
from haven.cases.status import IdentificationStatus
from haven.lib.errors import HavenError, NotFound
from haven.statistics import errors, privacy, release_sources, releases
from haven.statistics.models import BudgetSpend, PrivacyBudget, Release
from haven.statistics.services import releases as services
from haven.statistics.tests.dp_helpers import (
    caseworker,
    coordinator,
    rapporteur,
    registered_cases,
    release_input,
)

pytestmark = pytest.mark.django_db

LABOUR = ExploitationForm.LABOUR.value
SEXUAL = ExploitationForm.SEXUAL.value


def _register(user_country: str = "FI") -> None:
    opener = caseworker(user_country)
    assert opener.organisation is not None
    lead = opener.organisation
    registered_cases(lead=lead, opener=opener, count=3, on=date(2024, 3, 1), forms=[LABOUR])
    registered_cases(lead=lead, opener=opener, count=2, on=date(2025, 6, 1), forms=[SEXUAL])


# --- who may release and read ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "may_view", "may_release"),
    [
        ("rapporteur", True, True),
        ("coordinator", True, False),
        ("caseworker", False, False),
    ],
)
def test_r41_only_the_rapporteur_releases_and_the_coordinator_reads(
    who: str, may_view: bool, may_release: bool
) -> None:
    # given: one setup for the allowed and the denied side
    user = {"rapporteur": rapporteur, "coordinator": coordinator, "caseworker": caseworker}[who]()
    _register()

    # then: reading
    assert releases.may_view(user) is may_view
    if may_view:
        assert list(releases.release_list(user=user)) == []
    else:
        with pytest.raises(errors.StatisticsNotAllowed) as refused:
            releases.release_list(user=user)
        assert refused.value.code == errors.ErrorCode.STATISTICS_NOT_ALLOWED

    # then: releasing
    if may_release:
        assert services.release_create(actor=user, data=release_input()).country == "FI"
    else:
        with pytest.raises(errors.ReleaseNotAllowed) as refused_release:
            services.release_create(actor=user, data=release_input())
        assert refused_release.value.code == errors.ErrorCode.RELEASE_NOT_ALLOWED
        assert Release.objects.count() == 0
        assert PrivacyBudget.objects.count() == 0


def test_r41_a_user_without_an_organisation_sees_no_statistics() -> None:
    user = rapporteur()
    user.organisation = None

    assert releases.may_view(user) is False
    assert releases.may_release(user) is False


def test_r41_an_inactive_rapporteur_may_not_release() -> None:
    user = rapporteur()
    user.is_active = False

    assert releases.may_release(user) is False


# --- what a release stores, spends and audits -----------------------------------------


def test_r46_a_release_stores_published_figures_epsilon_budget_left_and_method() -> None:
    # given
    _register()
    user = rapporteur()

    # when
    release = services.release_create(actor=user, data=release_input(epsilon="0.5"))

    # then: figures for every year by form cell, totals that add up
    assert release.dimensions == ["year", "exploitation"]
    assert len(release.cells) == 2 * len(release_sources.FORMS)
    for year in ("2024", "2025"):
        cells = [cell[2] for cell in release.cells if cell[0] == year]
        assert all(isinstance(value, int) and value >= 0 for value in cells)
        assert release.totals[year] == sum(cells)
    assert release.epsilon == Decimal("0.5")
    assert release.method == "opendp-discrete-laplace+posterior-median/v1"
    assert release.noise_scale == pytest.approx(2, rel=0.01)
    assert release.remaining == {"2024": "1.500", "2025": "1.500"}
    # the ledger: one spend per year, the budget moved on
    spends = BudgetSpend.objects.filter(release=release).order_by("budget__year")
    assert [(s.budget.year, s.epsilon, s.remaining_after) for s in spends] == [
        (2024, Decimal("0.500"), Decimal("1.500")),
        (2025, Decimal("0.500"), Decimal("1.500")),
    ]
    assert [b.spent_epsilon for b in PrivacyBudget.objects.order_by("year")] == [
        Decimal("0.500"),
        Decimal("0.500"),
    ]


@pytest.mark.parametrize("epsilon", ["0.25", "0.5", "1", "2"])
def test_r46_a_release_spends_its_epsilon_once_and_its_noise_proves_no_more(
    epsilon: str,
) -> None:
    # given
    _register()
    user = rapporteur()

    # when
    release = services.release_create(actor=user, data=release_input(epsilon=epsilon))

    # then: the ledger took exactly ε from each year, and OpenDP's accounting of the
    # noise the release used is within that ε
    assert [s.epsilon for s in BudgetSpend.objects.filter(release=release)] == [
        Decimal(epsilon)
    ] * 2
    measurement = privacy._measurement(release.noise_scale)
    loss = float(measurement.map(1))  # type: ignore[no-untyped-call]  # OpenDP's map is untyped
    assert loss <= float(release.epsilon)


def test_r46_every_release_is_audited_with_its_epsilon_and_budget_left() -> None:
    _register()
    user = rapporteur()

    release = services.release_create(actor=user, data=release_input(epsilon="0.25"))

    event = AuditEvent.objects.get(action=Action.DP_RELEASE)
    assert event.object_id == str(release.id)
    assert event.actor_id == user.pk
    assert event.field_groups == FieldGroup.STATISTICAL
    assert event.purpose == Purpose.STATISTICS
    assert event.detail == {
        "epsilon": "0.25",
        "table": "year_exploitation",
        "remaining": {"2024": "1.750", "2025": "1.750"},
    }


def test_r46_a_download_of_a_release_is_audited() -> None:
    user = rapporteur()
    release = services.release_create(actor=user, data=release_input())

    services.release_export(actor=user, release=release, export_format="csv")

    event = AuditEvent.objects.get(action=Action.DP_RELEASE_EXPORT)
    assert event.object_id == str(release.id)
    assert event.detail == {"format": "csv"}


# --- the budget -----------------------------------------------------------------------


@override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("1"))
def test_r46_a_release_over_budget_is_refused_and_spends_nothing() -> None:
    # given: 0.6 of a budget of 1 spent
    user = rapporteur()
    services.release_create(actor=user, data=release_input(epsilon="0.6"))

    # when
    with pytest.raises(errors.BudgetExceeded) as refused:
        services.release_create(actor=user, data=release_input(epsilon="0.6"))

    # then
    assert refused.value.code == errors.ErrorCode.BUDGET_EXCEEDED
    assert refused.value.field == "epsilon"
    assert Release.objects.count() == 1
    assert [b.spent_epsilon for b in PrivacyBudget.objects.all()] == [Decimal("0.6")] * 2
    assert AuditEvent.objects.filter(action=Action.DP_RELEASE).count() == 1


@override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("1"))
def test_r46_the_last_of_a_budget_can_be_spent_exactly() -> None:
    user = rapporteur()
    services.release_create(actor=user, data=release_input(epsilon="0.6"))

    release = services.release_create(actor=user, data=release_input(epsilon="0.4"))

    assert release.remaining == {"2024": "0.000", "2025": "0.000"}


@override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("1"))
def test_r46_one_exhausted_year_refuses_a_release_over_several_and_spends_none() -> None:
    # given: 2025 spent, 2024 not
    user = rapporteur()
    services.release_create(actor=user, data=release_input(year_from=2025, epsilon="1"))

    # when
    with pytest.raises(errors.BudgetExceeded):
        services.release_create(actor=user, data=release_input(year_from=2024, epsilon="0.1"))

    # then: nothing was spent from 2024 (its opening was rolled back with the refusal)
    assert not PrivacyBudget.objects.filter(year=2024, spent_epsilon__gt=0).exists()
    assert Release.objects.count() == 1


def test_r46_a_budget_keeps_the_total_it_opened_with_when_settings_change() -> None:
    # given: 2024 opened with the default budget of 2
    user = rapporteur()
    services.release_create(actor=user, data=release_input(year_to=2024, epsilon="1"))

    # when: the rules lower the budget for years not yet opened
    with override_settings(HAVEN_STATISTICS_DP_BUDGET=Decimal("0.5")):
        release = services.release_create(actor=user, data=release_input(epsilon="0.5"))

    # then
    assert release.remaining == {"2024": "0.500", "2025": "0.000"}
    assert releases.budget_list(user=user)[0].remaining == Decimal("0")


def test_r46_budgets_are_per_country() -> None:
    finnish, estonian = rapporteur("FI"), rapporteur("EE")
    services.release_create(actor=finnish, data=release_input(epsilon="2"))

    release = services.release_create(actor=estonian, data=release_input(epsilon="2"))

    assert release.country == "EE"
    assert [line.year for line in releases.budget_list(user=estonian)] == [2025, 2024]


# --- input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (release_input(table="registered_victims/nope"), errors.ErrorCode.TABLE_UNKNOWN, "table"),
        (release_input(table="nope/year_exploitation"), errors.ErrorCode.TABLE_UNKNOWN, "table"),
        (release_input(year_from=2025, year_to=2024), errors.ErrorCode.YEARS_INVALID, "year_from"),
        (release_input(year_from=1999), errors.ErrorCode.YEARS_INVALID, "year_from"),
        (release_input(year_to=9999), errors.ErrorCode.YEARS_INVALID, "year_from"),
        (release_input(year_from=2000, year_to=2020), errors.ErrorCode.YEARS_INVALID, "year_from"),
        (release_input(epsilon="0.001"), errors.ErrorCode.EPSILON_INVALID, "epsilon"),
        (release_input(epsilon="0.0125"), errors.ErrorCode.EPSILON_INVALID, "epsilon"),
        (release_input(epsilon="NaN"), errors.ErrorCode.EPSILON_INVALID, "epsilon"),
        (release_input(epsilon="Infinity"), errors.ErrorCode.EPSILON_INVALID, "epsilon"),
    ],
)
def test_a_release_with_bad_input_is_refused_beside_its_field(
    data: services.ReleaseInput, code: str, field: str
) -> None:
    with pytest.raises(HavenError) as refused:
        services.release_create(actor=rapporteur(), data=data)

    assert refused.value.code == code
    assert refused.value.field == field
    assert PrivacyBudget.objects.count() == 0


# --- reads ----------------------------------------------------------------------------


def test_a_release_of_another_country_looks_missing() -> None:
    finnish = rapporteur("FI")
    release = services.release_create(actor=finnish, data=release_input())

    assert releases.release_get(user=coordinator("FI"), release_id=release.id) == release
    with pytest.raises(NotFound):
        releases.release_get(user=rapporteur("EE"), release_id=release.id)
    with pytest.raises(NotFound):
        releases.release_get(user=finnish, release_id="not-a-uuid")
    with pytest.raises(NotFound):
        releases.release_get(user=finnish, release_id=uuid.uuid4())


def test_the_grid_lays_a_release_out_by_year_and_form() -> None:
    release = services.release_create(actor=rapporteur(), data=release_input())

    grid = releases.release_grid(release)

    assert [row.value for row in grid.rows] == ["2024", "2025"]
    assert len(grid.columns) == len(release_sources.FORMS)
    assert dict(grid.columns)["unknown"] == "Unknown"
    assert dict(grid.columns)[LABOUR] == "Forced labour or services"
    assert all(row.total == sum(row.cells) for row in grid.rows)
    assert grid.grand_total == sum(release.totals.values())


# --- the true counts ------------------------------------------------------------------


def test_r44_registered_victims_are_counted_by_year_of_first_registration_and_main_form() -> None:
    # given
    opener = caseworker("FI")
    lead = opener.organisation
    assert lead is not None
    registered_cases(lead=lead, opener=opener, count=2, on=date(2024, 3, 1), forms=[LABOUR, SEXUAL])
    registered_cases(lead=lead, opener=opener, count=1, on=date(2025, 1, 9), forms=[])
    registered_cases(
        lead=lead,
        opener=opener,
        count=1,
        on=date(2025, 12, 31),
        forms=[SEXUAL],
        status=IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
    )
    # not registered: a negative decision, and a case elsewhere, and one of 2023
    registered_cases(
        lead=lead,
        opener=opener,
        count=1,
        on=date(2024, 5, 1),
        forms=[LABOUR],
        status=IdentificationStatus.NOT_IDENTIFIED,
    )
    elsewhere = caseworker("EE")
    assert elsewhere.organisation is not None
    registered_cases(
        lead=elsewhere.organisation, opener=elsewhere, count=1, on=date(2024, 3, 1), forms=[LABOUR]
    )
    registered_cases(lead=lead, opener=opener, count=1, on=date(2023, 12, 31), forms=[LABOUR])

    # when
    table = release_sources.registered_victims_by_year_and_form("FI", 2024, 2025)

    # then
    assert table.sensitivity == 1
    assert set(table.counts) == {(y, f) for y in ("2024", "2025") for f in release_sources.FORMS}
    nonzero = {key: value for key, value in table.counts.items() if value}
    assert nonzero == {("2024", LABOUR): 2, ("2025", "unknown"): 1, ("2025", SEXUAL): 1}


def test_r44_a_victim_identified_after_being_presumed_counts_once_in_the_first_year() -> None:
    # given: presumed in 2024, then identified in 2025 (a second registered transition)
    opener = caseworker("FI")
    lead = opener.organisation
    assert lead is not None
    cases = registered_cases(lead=lead, opener=opener, count=1, on=date(2024, 3, 1), forms=[SEXUAL])
    later = cases[0].transitions.get()
    later.pk = None
    later.from_status, later.to_status = later.to_status, IdentificationStatus.IDENTIFIED
    later.decided_on = date(2025, 2, 1)
    later.save()

    # when
    table = release_sources.registered_victims_by_year_and_form("FI", 2024, 2025)

    # then
    assert {k: v for k, v in table.counts.items() if v} == {("2024", SEXUAL): 1}


def test_a_value_label_passes_years_and_unknown_values_through() -> None:
    assert release_sources.value_label("year", "2024") == "2024"
    assert release_sources.value_label("exploitation", "no_such_form") == "no_such_form"


# --- the ledger as a property ---------------------------------------------------------


@settings(max_examples=15, deadline=None)  # each example releases through OpenDP
@given(
    asked=st.lists(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1.2"), places=2),
        min_size=1,
        max_size=6,
    )
)
def test_r46_the_ledger_accepts_a_release_exactly_when_the_budget_covers_it(
    asked: list[Decimal],
) -> None:
    # given: a budget of 2 per year, releases asked one after the other
    with transaction.atomic():
        user = rapporteur()
        spent = Decimal(0)

        # when / then: each is accepted iff what is left covers it, and the ledger adds up
        for epsilon in asked:
            data = release_input(year_from=2025, epsilon=str(epsilon))
            if spent + epsilon <= 2:
                release = services.release_create(actor=user, data=data)
                spent += epsilon
                assert release.remaining == {"2025": str((2 - spent).quantize(Decimal("0.001")))}
            else:
                with pytest.raises(errors.BudgetExceeded):
                    services.release_create(actor=user, data=data)
        budget = PrivacyBudget.objects.get(country="FI", year=2025)
        assert budget.spent_epsilon == spent == sum(s.epsilon for s in budget.spends.all())
        transaction.set_rollback(True)
