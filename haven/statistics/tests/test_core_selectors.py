"""Who reads the statistics, of which country, and what is written down (R-41, R-46);
the console contract of ``haven stats eurostat``; the trend and backlog tables."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import load_workbook

from haven.accounts.models import Organisation, OrgType, Role
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case, Sex
from haven.statistics import errors, exports, selectors
from haven.statistics.tests.register import Spec, generate, write

HEADER = "table,legal_status,sex,age_group,citizenship,exploitation,value"
READERS = [
    (OrgType.RAPPORTEUR, Role.RAPPORTEUR, True),
    (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, True),
    (OrgType.NATIONAL_COORDINATOR, Role.SUPERVISOR, True),
    (OrgType.NATIONAL_COORDINATOR, Role.SYSTEM_ADMIN, False),
    (OrgType.RAPPORTEUR, Role.ORG_ADMIN, False),
    (OrgType.NGO, Role.SUPERVISOR, False),
    (OrgType.POLICE, Role.CASEWORKER, False),
]


def _register(seed: int = 7, count: int = 300) -> list[Spec]:
    specs = generate(random.Random(seed), count)
    write(specs, opener=make_user())
    return specs


@pytest.mark.django_db
@pytest.mark.parametrize(("org_type", "role", "allowed"), READERS)
def test_r41_only_the_rapporteur_and_the_national_coordinator_read_the_statistics(
    org_type: str, role: str, allowed: bool
) -> None:
    # given
    _register(count=40)
    user = make_user(org_type=org_type, role=role)

    # when
    try:
        published = selectors.eurostat(user=user, year=2024, output="page")
        refused = None
    except errors.StatisticsNotAllowed as exc:
        published, refused = None, exc

    # then: the same rule decides; a refusal writes nothing to the trail
    assert (published is not None) is allowed
    assert (refused is None) is allowed
    events = AuditEvent.objects.filter(action=Action.STATISTICS_EXPORT)
    assert events.count() == (1 if allowed else 0)
    if refused is not None:
        assert refused.code == errors.ErrorCode.STATISTICS_NOT_ALLOWED


@pytest.mark.django_db
def test_r41_each_reader_counts_their_own_country_only() -> None:
    # given: the register's Finnish and Estonian cases, and a rapporteur in each
    specs = _register()
    finnish = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    estonian = make_user(
        role=Role.RAPPORTEUR,
        organisation=OrganisationFactory.create(org_type=OrgType.RAPPORTEUR, country="EE"),
    )

    # when
    fi = selectors.eurostat(user=finnish, year=2024, output="page")
    ee = selectors.eurostat(user=estonian, year=2024, output="page")

    # then
    def registered(country: str) -> int:
        return sum(
            1
            for s in specs
            if s.country == country
            and s.registered_on is not None
            and s.registered_on.year == 2024
            and s.status != "not_identified"
        )

    total = ("total",) * 5
    assert fi.tables[0].values[total] == registered("FI")  # type: ignore[index]
    assert ee.tables[0].values[total] == registered("EE")  # type: ignore[index]
    event = AuditEvent.objects.filter(action=Action.STATISTICS_EXPORT).first()
    assert event is not None
    assert event.detail["year"] == 2024
    assert event.person_id == ""


@pytest.mark.django_db
def test_r46_a_year_outside_the_register_is_refused() -> None:
    # given
    reader = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # then
    with pytest.raises(errors.YearInvalid):
        selectors.eurostat(user=reader, year=1999, output="page")
    with pytest.raises(errors.YearInvalid):
        selectors.check_year(2031, today=date(2030, 1, 1))


@pytest.mark.django_db
def test_r46_the_console_prints_one_long_csv_with_suppressed_cells_empty(tmp_path: object) -> None:
    # given
    _register()
    OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country="FI")
    out = io.StringIO()
    workbook = tmp_path / "eurostat.xlsx"  # type: ignore[operator]

    # when
    call_command("stats", "eurostat", "--year", "2024", "--xlsx", str(workbook), stdout=out)

    # then: the exact header; one row per cell; empty values where suppressed; audited
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["table"] for r in rows} == {
        "victims_status_age",
        "victims_citizenship",
        "victims_exploitation",
        "victims_age_band",
    }
    assert any(r["value"] == "" for r in rows)
    assert all(r["value"] == "" or int(r["value"]) == 0 or int(r["value"]) >= 5 for r in rows)
    event = AuditEvent.objects.get(action=Action.STATISTICS_EXPORT)
    assert event.actor_username == "console"
    sheets = load_workbook(workbook).sheetnames
    assert sheets == ["Notes", *sorted({r["table"] for r in rows}, key=sheets.index)]


@pytest.mark.django_db
def test_r46_the_console_reads_as_a_named_user_under_the_same_rule() -> None:
    # given
    _register(count=30)
    reader = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)
    caseworker = make_user()
    out = io.StringIO()

    # when
    call_command("stats", "eurostat", "--year", "2024", "--as", reader.username, stdout=out)

    # then
    assert out.getvalue().startswith(HEADER + "\n")
    with pytest.raises(CommandError, match="statistics_not_allowed"):
        call_command("stats", "eurostat", "--year", "2024", "--as", caseworker.username)
    with pytest.raises(CommandError, match="No active user"):
        call_command("stats", "eurostat", "--year", "2024", "--as", "nobody")


@pytest.mark.django_db
def test_r46_the_console_asks_for_the_country_when_it_cannot_tell() -> None:
    # given: coordinators in two countries
    OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country="FI")
    OrganisationFactory.create(org_type=OrgType.NATIONAL_COORDINATOR, country="EE")
    out = io.StringIO()

    # then
    with pytest.raises(CommandError, match="--country"):
        call_command("stats", "eurostat", "--year", "2024")
    with pytest.raises(CommandError, match="statistics_year_invalid"):
        call_command("stats", "eurostat", "--year", "1990", "--country", "FI")
    call_command("stats", "eurostat", "--year", "2024", "--country", "ee", stdout=out)
    assert out.getvalue().startswith(HEADER)


@pytest.mark.django_db
def test_r44_trends_count_victims_by_year_and_sex_with_small_cells_hidden() -> None:
    # given
    specs = _register(seed=8, count=400)
    reader = make_user(org_type=OrgType.NATIONAL_COORDINATOR)

    # when
    grid = selectors.trends(user=reader, first=2023, last=2025, output="page")
    text = exports.grid_csv(grid, first="year")

    # then
    for year in (2023, 2024, 2025):
        expected = sum(
            1
            for s in specs
            if s.country == "FI"
            and s.registered_on is not None
            and s.registered_on.year == year
            and s.status != "not_identified"
        )
        assert grid.values[(str(year), "total")] == expected
    assert all(grid.value(*k) is None for k, v in grid.values.items() if 0 < v < 5)
    assert text.splitlines()[0] == "year,sex,count"


def _waiting(status: str, sex: str, days: int, today: date) -> Spec:
    opened = datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=UTC)
    return Spec("FI", status, None, opened, sex, "verified_adult", None, None, (), (), 0)


@pytest.mark.django_db
def test_r44_the_backlog_shows_the_wait_of_women_and_men_apart() -> None:
    # given: women waiting 100..900 days for a conclusive decision, men 100..500
    today = date(2026, 6, 1)
    specs = [_waiting("presumed", Sex.FEMALE, d, today) for d in range(100, 1000, 100)]
    specs += [_waiting("presumed", Sex.MALE, d, today) for d in range(100, 600, 100)]
    specs += [_waiting("potential", sex, d, today) for d in range(10, 60, 10) for sex in "fm"]
    specs += [_waiting("identified", Sex.MALE, 5, today)]
    specs = [s if s.sex not in "fm" else _sexed(s) for s in specs]
    write(specs, opener=make_user())
    reader = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # when
    grid = selectors.backlog(user=reader, output="page", today=today)
    text = exports.grid_csv(grid, first="stage", measures=("median", "p90"))

    # then: 9 women (median 500, p90 900) and 5 men (median 300, p90 500)
    assert grid.value("conclusive", "female") == 9
    assert grid.extra[("conclusive", "female")] == {"median": 500, "p90": 900}
    assert grid.extra[("conclusive", "male")] == {"median": 300, "p90": 500}
    assert grid.value("reasonable_grounds", "total") == 10
    assert grid.value("conclusive", "total") == 14
    assert not grid.suppressed
    assert "conclusive,female,9,500,900" in text.splitlines()
    assert Case.objects.count() == 25


def _sexed(spec: Spec) -> Spec:
    return Spec(**{**vars(spec), "sex": {"f": Sex.FEMALE, "m": Sex.MALE}[spec.sex]})


@pytest.mark.django_db
def test_r46_a_small_group_in_the_backlog_is_hidden_with_its_waits() -> None:
    # given: two persons of "other" sex waiting among many women and men
    today = date(2026, 6, 1)
    specs = [_waiting("presumed", sex, d, today) for d in range(1, 30) for sex in "fm"]
    specs += [_waiting("potential", sex, d, today) for d in range(1, 30) for sex in "fm"]
    specs = [_sexed(s) for s in specs]
    specs += [_waiting("potential", Sex.INTERSEX, d, today) for d in (400, 800)]
    write(specs, opener=make_user())
    reader = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # when
    grid = selectors.backlog(user=reader, output="page", today=today)

    # then: hidden, with a second cell so the totals do not give them away
    assert grid.value("reasonable_grounds", "other") is None
    assert grid.extra[("reasonable_grounds", "other")] == {"median": None, "p90": None}
    assert len(grid.suppressed) >= 4
    assert grid.value("conclusive", "female") == 29


@pytest.mark.django_db
@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r46_the_threshold_is_configurable() -> None:
    # given
    _register(count=60)
    reader = make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)

    # when
    published = selectors.eurostat(user=reader, year=2024, output="page")

    # then: nothing is small below 1, so nothing is hidden
    assert all(not t.suppressed for t in published.tables)
    assert Organisation.objects.exists()
