"""The exchange's victims read grouped (issue 15): the database counts the registered
victims per distinct record, and the regional release, the HTCDS export and the CTDC
release are built from those counts. Each must be exactly what the per-victim path
built (one record per case, every release worked out record by record): that path is
kept here, in the tests only, as the naive reference, and compared over generated
registers -- with generalisation, suppression, children left out and an empty country.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.cases.models import AgeStatus, Case, Sex
from haven.cases.status import REGISTERED
from haven.statistics import exchange, htcds, kanon
from haven.statistics import selectors_exchange as selectors
from haven.statistics import services_exchange as services
from haven.statistics.htcds import Victim
from haven.statistics.tests import dashboard_register as gen
from haven.statistics.tests.exchange_factories import rapporteur, registered_case
from haven.statistics.tests.test_exchange_htcds import victims as victim_strategy
from haven.statistics.tests.test_exchange_kanon import generated_register

# --- the naive reference: the per-victim path as it was -----------------------------------

_CHILD = {AgeStatus.VERIFIED_CHILD, AgeStatus.UNCERTAIN_PRESUMED_CHILD}


def naive_registered_victims(country: str) -> list[Victim]:
    """One record per registered case, in the order of the cases."""
    rows = (
        Case.objects.filter(country=country, identification_status__in=list(REGISTERED))
        .values_list(
            "stat_sex",
            "stat_citizenships",
            "stat_age_status",
            "stat_birth_year",
            "stat_estimated_age_min",
            "identification_status",
            "forms_of_exploitation",
            "stat_lead_org_type",
            "registered_on",
            "status_changed_at",
        )
        .order_by("pk")
    )
    victims = []
    for sex, cits, age_status, born, estimated, status, forms, lead, on, changed in rows:
        year = (on or changed).year
        age = year - born if born is not None else estimated
        victims.append(
            Victim(
                sex=sex or Sex.UNKNOWN,
                citizenships=tuple(cits or ()),
                identification_status=status,
                forms_of_exploitation=tuple(forms or ()),
                organisation_type=lead or OrgType.OTHER,
                country=country,
                year=year,
                age_group=htcds.age_group(age, treat_as_child=age_status in _CHILD),
            )
        )
    return victims


def naive_adults(victims: list[Victim]) -> list[Victim]:
    return [v for v in victims if v.age_group not in services.CHILD_AGE_GROUPS]


def naive_aggregate(victims: list[Victim]) -> Counter[exchange.Cell]:
    counts: Counter[exchange.Cell] = Counter()
    for victim in victims:
        for broad in kanon.broad_forms(victim.forms_of_exploitation).split(";"):
            counts[(str(victim.year), victim.sex, exchange._age(victim.age_group), broad)] += 1
    return counts


def naive_release(
    victims: Sequence[Victim],
    *,
    k: int,
    max_suppression: float = kanon.DEFAULT_MAX_SUPPRESSION,
    node: kanon.Node | None = None,
) -> kanon.Release:
    groups = Counter(kanon._chain(v) for v in victims)
    chosen = node
    if chosen is None:
        chosen = kanon.search(groups, k=k, max_suppression=max_suppression).node
    classes: Counter[tuple[str, ...]] = Counter()
    for chains, count in groups.items():
        classes[kanon._at(chains, chosen)] += count
    rows: list[tuple[str, ...]] = []
    generalised = dict.fromkeys(kanon.COLUMNS, 0)
    for chains, count in groups.items():
        values = kanon._at(chains, chosen)
        if classes[values] < k:
            continue
        rows.extend([values] * count)
        for column, chain, value in zip(kanon.COLUMNS, chains, values, strict=True):
            if value != chain[0]:
                generalised[column] += count
    return kanon.Release(
        k=k,
        node=chosen,
        rows=sorted(rows),
        total=len(victims),
        suppressed=len(victims) - len(rows),
        generalised=generalised,
        levels={
            h.column: h.levels[level] for h, level in zip(kanon.HIERARCHIES, chosen, strict=True)
        },
    )


def naive_htcds_release(
    victims: Sequence[Victim],
    *,
    k: int,
    max_suppression: float = kanon.DEFAULT_MAX_SUPPRESSION,
    node: kanon.Node | None = None,
) -> kanon.HtcdsRelease:
    hierarchies = kanon.HTCDS_HIERARCHIES
    chains = [kanon._chain(v, hierarchies) for v in victims]
    groups = Counter(chains)
    chosen = node
    if chosen is None:
        chosen = kanon.search(
            groups, k=k, max_suppression=max_suppression, hierarchies=hierarchies
        ).node
    classes = kanon.evaluate_classes(groups, chosen)
    generalised = {h.column: 0 for h in hierarchies}
    records = []
    for victim, chain in zip(victims, chains, strict=True):
        values = kanon._at(chain, chosen)
        if classes[values] < k:
            continue
        records.append(kanon._htcds_write(victim, chain, chosen))
        for h, levels, value in zip(hierarchies, chain, values, strict=True):
            if value != levels[0]:
                generalised[h.column] += 1
    emptied: set[str] = set()
    written_in: dict[str, str] = {}
    for column, level in zip(kanon.HTCDS_COLUMNS, chosen, strict=True):
        if level:
            kept = column.written_in.get(level)
            written_in[column.hierarchy.column] = kept or ""
            emptied.update(f for f in column.fields if f != kept)
    released = len(records)
    report: kanon.HtcdsReport = {
        "k": k,
        "records": len(victims),
        "released": released,
        "suppressed": len(victims) - released,
        "suppression_rate": round((len(victims) - released) / len(victims), 4) if victims else 0.0,
        "levels": {h.column: h.levels[level] for h, level in zip(hierarchies, chosen, strict=True)},
        "generalised": generalised,
        "written_in": written_in,
        "emptied": sorted(emptied),
    }
    columns = htcds.standard().columns
    records.sort(key=lambda r: tuple(r.get(c, "") for c in columns))
    return kanon.HtcdsRelease(records=records, report=report)


def _without_ids(content: bytes) -> list[list[str]]:
    """The CSV's rows without the record id (random per export)."""
    table = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    at = table[0].index(htcds.standard().record_id)
    return [row[:at] + row[at + 1 :] for row in table]


# --- pure: counted victims against the per-victim path ------------------------------------


def _registers() -> dict[str, tuple[list[Victim], int, kanon.Node | None]]:
    """Registers with repeated records, each with its k and node (None: searched)."""
    big = generated_register(600, seed=3)
    small = generated_register(80, seed=4)
    return {
        "generalised": (big, 11, None),
        "small": (small, 11, None),
        "no node within the limit": (small[:8], 11, None),
        "plain suppression": (big, 5, (0,) * len(kanon.HIERARCHIES)),
        "repeated records": (small * 3 + big[:50], 7, None),
        "empty": ([], 11, None),
    }


@pytest.mark.parametrize("name", list(_registers()))
def test_issue15_the_ctdc_release_of_counted_victims_is_the_per_victim_release(
    name: str,
) -> None:
    register, k, node = _registers()[name]

    expected = naive_release(register, k=k, node=node)

    assert kanon.release(Counter(register), k=k, node=node) == expected
    assert kanon.release(register, k=k, node=node) == expected
    assert kanon.release_csv(kanon.release(Counter(register), k=k, node=node)) == (
        kanon.release_csv(expected)
    )
    if name == "generalised":
        assert any(expected.node) and expected.suppressed
    if name == "no node within the limit":
        assert expected.suppression_rate > kanon.DEFAULT_MAX_SUPPRESSION


def _htcds_node(register: list[Victim], node: kanon.Node | None) -> kanon.Node | None:
    return None if node is None else (0,) * len(kanon.HTCDS_HIERARCHIES)


@pytest.mark.parametrize("name", list(_registers()))
def test_issue15_the_htcds_records_of_counted_victims_are_the_per_victim_records(
    name: str,
) -> None:
    register, k, node = _registers()[name]
    node = _htcds_node(register, node)

    expected = naive_htcds_release(register, k=k, node=node)
    counted = kanon.htcds_release(Counter(register), k=k, node=node)

    assert counted.records == expected.records
    assert counted.report == expected.report
    assert _without_ids(htcds.export_csv(counted.records)) == _without_ids(
        htcds.export_csv(expected.records)
    )
    if name == "generalised":
        assert counted.report["written_in"] and counted.report["suppressed"]


@pytest.mark.parametrize("name", list(_registers()))
def test_issue15_the_regional_cells_of_counted_victims_are_the_per_victim_cells(
    name: str,
) -> None:
    register = _registers()[name][0]

    release = exchange.release_build(Counter(register), sender="EE", threshold=5)

    assert release.cells == exchange.protect(naive_aggregate(register), threshold=5)
    assert exchange.aggregate(register) == naive_aggregate(register)


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    register=st.lists(victim_strategy, max_size=40),
    repeats=st.lists(st.integers(min_value=0, max_value=39), max_size=40),
    k=st.integers(min_value=1, max_value=6),
)
def test_issue15_any_register_counted_gives_the_per_victim_releases(
    register: list[Victim], repeats: list[int], k: int
) -> None:
    # some records repeated, so that the counts are not all one
    register = register + [register[i] for i in repeats if i < len(register)]
    random.Random(len(register)).shuffle(register)

    counted = Counter(register)

    assert kanon.release(counted, k=k) == naive_release(register, k=k)
    htcds_release = kanon.htcds_release(counted, k=k)
    naive = naive_htcds_release(register, k=k)
    assert (htcds_release.records, htcds_release.report) == (naive.records, naive.report)
    assert exchange.aggregate(counted) == naive_aggregate(register)


def test_issue15_a_repeated_record_is_written_with_a_fresh_id_per_row() -> None:
    # given: one class of three identical records (the same dict, repeated)
    register = generated_register(1, seed=5) * 3

    # when
    content = htcds.export_csv(kanon.htcds_release(Counter(register), k=1).records)

    # then: three rows, the same but for their ids
    table = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    at = table[0].index(htcds.standard().record_id)
    assert len({row[at] for row in table[1:]}) == 3
    assert len({tuple(row[:at] + row[at + 1 :]) for row in table[1:]}) == 1


# --- the database: the services against the per-victim path -------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("k", [11, 3])
def test_issue15_the_exchange_releases_are_those_of_the_per_victim_path(k: int) -> None:
    # given: a generated register (children, unknown ages, several citizenships and forms)
    gen.register(random.Random(71), 400, opener=make_user())
    actor = rapporteur("FI")
    naive = naive_registered_victims("FI")
    adults = naive_adults(naive)
    assert len(adults) < len(naive)  # there were children to leave out

    # when
    with override_settings(HAVEN_STATISTICS_K=k):
        victims = selectors.registered_victims(country="FI")
        own = services.own_release(country="FI")
        htcds_file = services.htcds_export(actor=actor, file_format="csv")
        ctdc = services.ctdc_release(actor=actor)

    # then: the same victims, the same cells, files and reports
    share = settings.HAVEN_STATISTICS_K_MAX_SUPPRESSION_PERCENT / 100
    assert victims == Counter(naive)
    threshold = settings.HAVEN_STATISTICS_EXCHANGE_THRESHOLD
    assert own.cells == exchange.protect(naive_aggregate(naive), threshold=threshold)
    assert None in own.cells.values()  # some cells suppressed
    expected_htcds = naive_htcds_release(adults, k=k, max_suppression=share)
    assert any(expected_htcds.report["generalised"].values())
    assert htcds_file.report == expected_htcds.report
    assert _without_ids(htcds_file.content) == _without_ids(
        htcds.export_csv(expected_htcds.records)
    )
    expected_ctdc = naive_release(adults, k=k, max_suppression=share)
    assert ctdc.content == kanon.release_csv(expected_ctdc)
    assert ctdc.report == kanon.release_report(expected_ctdc)
    assert any(expected_ctdc.generalised.values())
    assert expected_ctdc.suppressed or k == 11  # at k = 3, some classes still under k


@pytest.mark.django_db
def test_issue15_an_empty_country_releases_nothing_as_before() -> None:
    # given: victims in Finland only
    gen.register(random.Random(72), 40, opener=make_user())
    actor = rapporteur("LV")

    # when
    own = services.own_release(country="LV")
    htcds_file = services.htcds_export(actor=actor, file_format="csv")
    ctdc = services.ctdc_release(actor=actor)

    # then
    assert selectors.registered_victims(country="LV") == Counter()
    assert own.cells == {}
    assert htcds_file.report == naive_htcds_release([], k=settings.HAVEN_STATISTICS_K).report
    assert _without_ids(htcds_file.content) == _without_ids(htcds.export_csv([]))
    assert ctdc.content == kanon.release_csv(naive_release([], k=settings.HAVEN_STATISTICS_K))


@pytest.mark.django_db
def test_issue15_the_year_without_a_registration_date_is_the_utc_years() -> None:
    # given: victims without a registration date, decided around New Year (UTC and
    # Helsinki disagree on the year), of every age kind
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    decider = make_user(organisation=ngo)
    cases = [
        registered_case(lead=ngo, decider=decider, registered_on=None, birth_year=born)
        for born in (None, 2000, 2007, 1960)
    ]
    cases.append(
        registered_case(
            lead=ngo,
            decider=decider,
            registered_on=None,
            age_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD,
        )
    )
    # two victims alike: one record, counted twice
    cases += [
        registered_case(lead=ngo, decider=decider, registered_on=date(2023, 12, 31))
        for _ in range(2)
    ]
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(
        status_changed_at=datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    )

    # when
    victims = selectors.registered_victims(country="EE")

    # then
    assert victims == Counter(naive_registered_victims("EE"))
    assert sorted(victims.values()) == [1, 1, 1, 1, 1, 2]
    assert {v.year for v in victims} == {2023, 2024, 2025}
    assert {v.age_group for v in victims} >= {"0-17", "12-17", "50+", "18-24"}
