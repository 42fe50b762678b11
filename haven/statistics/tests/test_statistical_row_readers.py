"""Every statistics reader reads the case's statistical row (issue 15: statistics read
the ``statistical`` group only): no query of theirs joins the persons, the memberships or
the organisations, and the numbers of the readers moved to the row (the regional
dashboard, the exchange's registered victims) agree with a naive count over a generated
register whose persons and organisations changed after it was written."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from haven.accounts.models import Organisation, OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.models import AgeStatus, Person, Sex
from haven.cases.status import REGISTERED
from haven.statistics import categories as cat
from haven.statistics import cube, htcds, release_sources, selectors
from haven.statistics import selectors_dashboards as dash
from haven.statistics import selectors_exchange as exchange
from haven.statistics.management.commands.stats import CONSOLE
from haven.statistics.tests import dashboard_register as gen
from haven.statistics.tests.register import LEAD_TYPES, Spec

pytestmark = pytest.mark.django_db

# The tables a statistics reader must not read: the person's is personal data, and the
# memberships and organisations are what the row copies the lead's facts from.
JOINED = ("cases_person", "access_teammembership", "accounts_organisation")

READERS: dict[str, Callable[[], object]] = {
    "cube": lambda: cube.registered_cube(country="FI", years=[2024]),
    "eurostat": lambda: selectors.eurostat_for_country(
        actor=CONSOLE, country="FI", year=2024, output="page"
    ),
    "trends": lambda: selectors.trends_for_country(
        actor=CONSOLE, country="FI", first=2023, last=2025, output="page"
    ),
    "backlog": lambda: selectors.backlog_for_country(actor=CONSOLE, country="FI", output="page"),
    "regions": lambda: dash.by_region_for_country(
        actor=CONSOLE, country="FI", year=2024, output="page"
    ),
    "exchange victims": lambda: exchange.registered_victims(country="FI"),
    "release source": lambda: release_sources.registered_victims_by_year_and_form("FI", 2023, 2025),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_issue15_no_statistics_reader_joins_the_person_or_the_lead(reader: str) -> None:
    # given
    gen.register(random.Random(61), 40, opener=make_user())

    # when
    with CaptureQueriesContext(connection) as queries:
        READERS[reader]()

    # then: the cases were read, and with none of the tables the row copies
    reads = [q["sql"] for q in queries.captured_queries if '"cases_case"' in q["sql"]]
    assert reads
    for sql in reads:
        assert not [table for table in JOINED if table in sql], sql


def _changed(specs: list[Spec]) -> tuple[list[Spec], dict[int, str], list[str]]:
    """After the register is written: every person of unknown sex is recorded as female,
    the police lead becomes a health service, and the regions are the dashboard's
    (``gen.register`` sets them after writing the cases) -- raw updates all, which only
    the database's triggers carry into the statistical row."""
    Person.objects.filter(sex=Sex.UNKNOWN).update(sex=Sex.FEMALE)
    Organisation.objects.filter(name=f"Statistics lead {OrgType.POLICE}").update(
        org_type=OrgType.HEALTH
    )
    types: dict[int, str] = {
        i: (OrgType.HEALTH if t == OrgType.POLICE else t) for i, t in enumerate(LEAD_TYPES)
    }
    sexes = [Sex.FEMALE if s.sex == Sex.UNKNOWN else s.sex for s in specs]
    return specs, types, sexes


@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_victims_by_region_and_sex_agree_with_a_naive_count() -> None:
    # given
    specs, __, sexes = _changed(gen.register(random.Random(62), 400, opener=make_user()))

    # when
    grid = dash.by_region(user=make_user(org_type=OrgType.RAPPORTEUR), year=2024, output="page")

    # then: each region and sex as counted one case at a time from the generated facts
    expected: Counter[tuple[str, str]] = Counter()
    for spec, sex in zip(specs, sexes, strict=True):
        if (
            spec.country == "FI"
            and spec.registered_on is not None
            and spec.registered_on.year == 2024
            and spec.status != "not_identified"
        ):
            expected[(gen.REGIONS[spec.lead] or cat.UNKNOWN, cat.sex_group(sex))] += 1
    assert expected[("Uusimaa", cat.sex_group(Sex.FEMALE))] > 0
    for region in grid.rows[:-1]:
        for sex in cat.SEXES:
            assert grid.value(region, sex) == expected[(region, sex)], (region, sex)
    assert grid.value(cat.TOTAL, cat.TOTAL) == sum(expected.values())


def test_r44_the_exchanges_victims_agree_with_a_naive_count(
    django_assert_num_queries: Any,
) -> None:
    # given
    specs, types, sexes = _changed(gen.register(random.Random(63), 300, opener=make_user()))

    # when
    with django_assert_num_queries(1):
        victims = exchange.registered_victims(country="FI")

    # then: the same victims as read one case at a time from the generated facts
    child = {AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD}
    expected: Counter[htcds.Victim] = Counter()
    for spec, sex in zip(specs, sexes, strict=True):
        if spec.country != "FI" or spec.status not in REGISTERED:
            continue
        assert spec.registered_on is not None  # a registering status was registered
        year = spec.registered_on.year
        age = year - spec.birth_year if spec.birth_year is not None else spec.estimated_age_min
        expected[
            htcds.Victim(
                sex=sex,
                citizenships=spec.citizenships,
                identification_status=spec.status,
                forms_of_exploitation=spec.forms,
                organisation_type=types[spec.lead],
                country="FI",
                year=year,
                age_group=htcds.age_group(age, treat_as_child=spec.age_status in child),
            )
        ] += 1
    assert any(v.organisation_type == OrgType.HEALTH for v in expected)
    assert Counter(victims) == expected
