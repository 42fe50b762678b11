"""The HTCDS export is k-anonymous over every column that describes a victim
(issue 15, R-46): pure, no database."""

from __future__ import annotations

import csv
import io
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from haven.statistics import htcds, kanon
from haven.statistics.htcds import Victim
from haven.statistics.tests.test_exchange_htcds import victims
from haven.statistics.tests.test_exchange_kanon import _victim

NODES = st.sampled_from(kanon.lattice(kanon.HTCDS_HIERARCHIES))


def _rows(content: bytes) -> list[tuple[str, ...]]:
    """The exported rows without the random record id (the first column)."""
    return [tuple(row[1:]) for row in list(csv.reader(io.StringIO(content.decode())))[1:]]


def _boy() -> Victim:
    return _victim(
        sex="male",
        citizenships=("VN",),
        forms_of_exploitation=("criminal_activities",),
        age_group="12-17",
    )


@settings(max_examples=40, deadline=None)
@given(register=st.lists(victims, max_size=60), k=st.integers(min_value=2, max_value=11))
def test_r46_every_exported_equivalence_class_has_at_least_k_records(
    register: list[Victim], k: int
) -> None:
    # when
    release = kanon.htcds_release(register, k=k)
    content = htcds.export_csv(release.records)

    # then: every carried column but the record id describes the victim (or is the
    # country, shared by all); each combination of them is in at least k rows
    rows = _rows(content)
    assert all(count >= k for count in Counter(rows).values())
    assert len(rows) == release.report["released"]
    assert release.report["records"] == len(register)
    assert release.report["released"] + release.report["suppressed"] == len(register)


def test_r46_a_rare_child_leaves_only_generalised_or_not_at_all() -> None:
    # given: twenty adult Ukrainian women and one 15-year-old Vietnamese boy in forced
    # criminal activities
    register = [_victim() for _ in range(20)] + [_boy()]

    # when: plain suppression at the node as held, and the searched node
    plain = kanon.htcds_release(register, k=11, node=(0,) * 8)
    searched = kanon.htcds_release(register, k=11)

    # then
    assert plain.report["suppressed"] == 1
    assert plain.report["released"] == 20
    assert plain.report["emptied"] == []
    for release in (plain, searched):
        for record in release.records:
            assert record.get("prs_Citizenship", "") != "VN"
            assert record.get("x_haven_AgeGroup") != "12-17"
            assert "criminal_activities" not in record.get("x_haven_FormsOfExploitation", "")
            assert record.get("prs_Gender") != "Masculine"


def test_r46_generalised_values_go_where_htcds_or_an_extension_can_hold_them() -> None:
    # given: twelve victims with two citizenships, one not in the UN M49 list
    register = [_victim(citizenships=("QZ", "UA"), year=2025) for _ in range(12)]

    # when: every column one level up (the country is never generalised)
    up = kanon.htcds_release(register, k=11, node=(1, 1, 1, 1, 1, 1, 1, 0))
    two = kanon.htcds_release(register, k=11, node=(1, 2, 2, 2, 2, 2, 2, 0))

    # then
    assert up.records[0] == {
        "org_ShippingCountry": "EE",
        "org_Type": "NGO",
        "vic_TraffickingStatus": "ActualVictimOfTrafficking",
        "x_haven_AgeGroup": "18-34",
        "x_haven_BroadExploitation": "sexual",
        "x_haven_CitizenshipRegion": "Eastern Europe;unknown",
        "x_haven_RegistrationPeriod": "2024-2025",
    }
    assert up.report["written_in"] == {
        "gender": "",
        "age group": "x_haven_AgeGroup",
        "citizenship": "x_haven_CitizenshipRegion",
        "forms of exploitation": "x_haven_BroadExploitation",
        "year of registration": "x_haven_RegistrationPeriod",
        "registering organisation type": "org_Type",
        "identification status": "vic_TraffickingStatus",
    }
    assert up.report["emptied"] == [
        "prs_Citizenship",
        "prs_Gender",
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_TypeOfExploitation",
        "x_haven_FormsOfExploitation",
        "x_haven_IdentificationStatus",
        "x_haven_RegisteringOrganisationType",
        "x_haven_RegistrationYear",
    ]
    assert up.report["generalised"]["citizenship"] == 12
    assert up.report["levels"]["citizenship"] == "sub-region"
    assert two.records[0] == {
        "org_ShippingCountry": "EE",
        "x_haven_AgeGroup": "adult",
        "x_haven_CitizenshipRegion": "Europe;unknown",
        "x_haven_RegistrationPeriod": "2024-2027",
    }
    assert two.report["written_in"]["forms of exploitation"] == ""


@settings(max_examples=30, deadline=None)
@given(register=st.lists(victims, max_size=30), node=NODES, k=st.integers(1, 4))
def test_r45_the_k_anonymous_export_reads_back_and_exports_identically(
    register: list[Victim], node: kanon.Node, k: int
) -> None:
    records = kanon.htcds_release(register, k=k, node=node).records

    for export in (htcds.export_csv, htcds.export_xlsx):
        first = htcds.import_file(export(records))
        second = htcds.import_file(export(first.records))

        assert first.records == records
        assert second.records == first.records
        assert first.not_carried == {}
    again = htcds.export_csv(htcds.import_file(htcds.export_csv(records)).records)
    assert _rows(again) == _rows(htcds.export_csv(records))


def test_an_empty_register_exports_nothing_and_says_so() -> None:
    release = kanon.htcds_release([], k=11)

    assert release.records == []
    assert release.report["suppression_rate"] == 0.0
    assert release.report["records"] == 0


@settings(max_examples=5, deadline=None)
@given(register=st.lists(victims, max_size=25), k=st.integers(min_value=1, max_value=4))
def test_the_incremental_search_agrees_over_the_htcds_columns(
    register: list[Victim], k: int
) -> None:
    hierarchies = kanon.HTCDS_HIERARCHIES
    groups = kanon._chains(register, hierarchies)

    fast = kanon.outcomes(groups, k, hierarchies)

    assert fast == [
        kanon.evaluate(groups, node, k, hierarchies) for node in kanon.lattice(hierarchies)
    ]
