"""Exports and imports of the standard exchange, through the services (issue 15)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import OrganisationFactory, UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.statistics import exchange, htcds
from haven.statistics import selectors_exchange as selectors
from haven.statistics import services_exchange as services
from haven.statistics.errors import (
    ErrorCode,
    FileInvalid,
    KeyInvalid,
    SenderUnknown,
    SignatureInvalid,
    StatisticsNotAllowed,
)
from haven.statistics.models import ExternalDataset, ExternalRecord, ImportedRelease
from haven.statistics.tests.exchange_factories import coordinator, rapporteur, registered_case

pytestmark = pytest.mark.django_db

PRIVATE, PUBLIC = exchange.keygen()
LV_PRIVATE, LV_PUBLIC = exchange.keygen()


@pytest.fixture
def register() -> None:
    """Three registered victims in EE, one not registered, one in another country."""
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    police = OrganisationFactory.create(org_type=OrgType.POLICE, country="EE")
    lv = OrganisationFactory.create(org_type=OrgType.NGO, country="LV")
    decider = make_user(organisation=ngo)
    registered_case(lead=ngo, decider=decider, citizenships=["UA"], birth_year=2000)
    registered_case(
        lead=police,
        decider=decider,
        status="presumed",
        sex="male",
        age_status="uncertain_presumed_child",
        forms=["sexual_exploitation", "forced_begging"],
        registered_on=None,
    )
    registered_case(
        lead=ngo, decider=decider, status="declined_formal_identification", estimated_age_min=40
    )
    registered_case(lead=ngo, decider=decider, status="potential", registered_on=None)
    registered_case(lead=lv, decider=decider)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.mark.usefixtures("register")
def test_r44_registered_victims_are_the_countrys_with_a_registering_status() -> None:
    victims = selectors.registered_victims(country="EE")

    assert sorted((v.identification_status, v.year, v.age_group) for v in victims) == [
        ("declined_formal_identification", 2024, "35-49"),
        ("identified", 2024, "18-24"),
        ("presumed", 2025, "0-17"),
    ]
    assert {v.organisation_type for v in victims} == {"ngo", "police"}


@pytest.mark.parametrize(
    ("org_type", "sees", "imports"),
    [
        (OrgType.RAPPORTEUR, True, True),
        (OrgType.NATIONAL_COORDINATOR, True, False),
        (OrgType.NGO, False, False),
        (OrgType.POLICE, False, False),
    ],
)
def test_r41_only_the_rapporteur_and_the_coordinator_see_statistics(
    org_type: str, sees: bool, imports: bool
) -> None:
    user = make_user(organisation=OrganisationFactory.create(org_type=org_type, country="EE"))
    orphan = UserFactory.create(organisation=None)

    assert selectors.may_see_statistics(user) is sees
    assert selectors.may_import(user) is imports
    assert not selectors.may_see_statistics(orphan)
    assert not selectors.may_import(orphan)
    if sees:
        assert selectors.country_of(user) == "EE"
    else:
        with pytest.raises(StatisticsNotAllowed) as caught:
            selectors.country_of(user)
        assert caught.value.code == ErrorCode.STATISTICS_NOT_ALLOWED


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("file_format", services.HTCDS_FORMATS)
def test_r45_htcds_export_is_audited_and_holds_the_countrys_registered_victims(
    file_format: str,
) -> None:
    with override_settings(HAVEN_STATISTICS_K=1):
        export = services.htcds_export(actor=coordinator(), file_format=file_format)

    records = htcds.import_file(export.content).records
    assert len(records) == 2  # the presumed child is never in a victim-level file
    assert {r["org_ShippingCountry"] for r in records} == {"EE"}
    (event,) = _events(Action.EXCHANGE_EXPORT)
    assert event.detail == {"kind": "htcds", "format": file_format, **export.report}
    assert event.detail["released"] == 2
    assert event.purpose == "statistics"


@pytest.mark.usefixtures("register")
def test_r46_htcds_export_leaves_out_classes_under_k_and_the_audit_counts_them() -> None:
    # given: two registered adults (and a child, never exported), each different, k = 11
    export = services.htcds_export(actor=rapporteur(), file_format="csv")

    assert htcds.import_file(export.content).records == []
    assert export.report["k"] == 11
    assert export.report["records"] == 2
    assert export.report["suppressed"] == 2
    (event,) = _events(Action.EXCHANGE_EXPORT)
    assert event.detail["suppressed"] == 2
    assert event.detail["released"] == 0
    assert set(event.detail) == {"kind", "format", *export.report}


def test_the_export_is_refused_to_anyone_else() -> None:
    ngo = make_user(organisation=OrganisationFactory.create(org_type=OrgType.NGO, country="EE"))

    with pytest.raises(StatisticsNotAllowed):
        services.htcds_export(actor=ngo, file_format="csv")
    assert _events(Action.EXCHANGE_EXPORT) == []


@pytest.mark.usefixtures("register")
def test_r46_ctdc_release_is_k_anonymous_reported_and_audited() -> None:
    with override_settings(HAVEN_STATISTICS_K=2):
        release = services.ctdc_release(actor=rapporteur())

    rows = list(csv.reader(io.StringIO(release.content.decode())))
    assert release.report["k"] == 2
    assert release.report["records"] == 2  # the presumed child left out
    assert len(rows) - 1 == release.report["released"]
    (event,) = _events(Action.EXCHANGE_EXPORT)
    assert event.detail["kind"] == "ctdc"
    assert event.detail["suppressed"] == release.report["suppressed"]


@pytest.mark.usefixtures("register")
def test_r29_no_child_is_in_a_victim_level_file_but_every_child_is_counted() -> None:
    # given: the register holds a presumed child (of uncertain age, treated as a child)
    victims = selectors.registered_victims(country="EE")
    assert "0-17" in {v.age_group for v in victims}

    # when
    with override_settings(HAVEN_STATISTICS_K=1):
        htcds_file = services.htcds_export(actor=coordinator(), file_format="csv")
        ctdc = services.ctdc_release(actor=rapporteur())

    # then: neither victim-level file carries a child's record, at any level of detail
    records = htcds.import_file(htcds_file.content).records
    assert all(r.get("x_haven_AgeGroup", "") not in {"0-11", "12-17", "0-17"} for r in records)
    assert all(r.get("prs_Gender") != "Masculine" for r in records)  # the child is the man
    assert (htcds_file.report["records"], ctdc.report["records"]) == (2, 2)
    assert "0-17" not in ctdc.content.decode() and "Minor" not in ctdc.content.decode()
    # and the aggregate tables still count all three (their small cells suppressed)
    assert len(victims) == 3


@pytest.mark.usefixtures("register")
def test_r45_regional_export_is_signed_with_the_configured_key_and_audited() -> None:
    with override_settings(HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY=PRIVATE):
        content = services.regional_export(actor=rapporteur())

    release = exchange.loads(content, exchange.public_key(PUBLIC))
    assert release.sender == "EE"
    assert all(v is None for v in release.cells.values())  # three victims: all under 5
    (event,) = _events(Action.EXCHANGE_EXPORT)
    assert event.detail == {"kind": "regional", "cells": len(release.cells), "threshold": 5}


def test_regional_export_without_a_signing_key_is_refused() -> None:
    with (
        override_settings(HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY=None),
        pytest.raises(KeyInvalid),
    ):
        services.regional_export(actor=rapporteur())
    assert _events(Action.EXCHANGE_EXPORT) == []


def test_r45_an_htcds_import_keeps_what_haven_carries_and_reports_the_rest() -> None:
    # given
    content = b"prs_FirstName,prs_Gender,vic_MethodsOfControl\nAnna,Feminine,DebtBondage\n"

    # when
    dataset = services.external_dataset_import(
        actor=rapporteur(), content=content, source="NGO in LV"
    )

    # then
    assert dataset.record_count == 1
    assert dataset.not_carried == {"prs_FirstName": 1, "vic_MethodsOfControl": 1}
    assert [r.data for r in ExternalRecord.objects.filter(dataset=dataset)] == [
        {"prs_Gender": "Feminine"}
    ]
    (event,) = _events(Action.EXCHANGE_IMPORT)
    assert event.detail["not_carried"] == dataset.not_carried
    assert list(selectors.external_datasets(country="EE")) == [dataset]
    assert list(selectors.external_datasets(country="LV")) == []


def test_house_rule_4_a_bad_htcds_file_leaves_nothing_behind() -> None:
    with pytest.raises(FileInvalid):
        services.external_dataset_import(
            actor=rapporteur(), content=b"prs_Gender\nwoman\n", source="x"
        )

    assert ExternalDataset.objects.count() == 0
    assert _events(Action.EXCHANGE_IMPORT) == []


def test_r41_the_coordinator_may_not_import() -> None:
    with pytest.raises(StatisticsNotAllowed):
        services.external_dataset_import(
            actor=coordinator(), content=b"prs_Gender\nFeminine\n", source="x"
        )


def _peers(tmp_path: Path, **keys: str) -> override_settings:
    path = tmp_path / "peers.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in keys.items()) or "{}\n")
    return override_settings(HAVEN_STATISTICS_EXCHANGE_PEERS_FILE=str(path))


def _lv_release(**victim: object) -> bytes:
    values: dict[str, object] = {
        "sex": "female",
        "citizenships": (),
        "identification_status": "identified",
        "forms_of_exploitation": ("forced_labour",),
        "organisation_type": "ngo",
        "country": "LV",
        "year": 2023,
        "age_group": "25-34",
    }
    values.update(victim)
    register = [htcds.Victim(**values)] * 7  # type: ignore[arg-type]
    release = exchange.release_build(register, sender="LV", threshold=5)
    return exchange.dumps(release, exchange.private_key(LV_PRIVATE))


def test_r45_another_states_release_is_verified_kept_once_and_shown_apart(
    tmp_path: Path,
) -> None:
    # given
    user = rapporteur()
    content = _lv_release()

    # when
    with _peers(tmp_path, LV=LV_PUBLIC):
        row = services.regional_release_import(actor=user, content=content)
        with pytest.raises(FileInvalid):
            services.regional_release_import(actor=user, content=content)

    # then
    assert (row.sender, row.country, row.cells) == (
        "LV",
        "EE",
        [["2023", "female", "adult", "labour", 7]],
    )
    (event,) = _events(Action.EXCHANGE_IMPORT)
    assert event.detail == {"kind": "regional", "sender": "LV", "cells": 1}
    own = services.own_release(country="EE")
    imported = [selectors.as_release(r) for r in selectors.imported_releases(country="EE")]
    trends = selectors.regional_trends(own=own, imported=imported)
    assert trends.states == ["EE", "LV"]
    assert trends.rows == [("2023", [None, (7, False)])]


def test_r45_a_tampered_or_unknown_release_is_refused(tmp_path: Path) -> None:
    user = rapporteur()
    tampered = _lv_release().replace(b"2023", b"2022")

    with _peers(tmp_path, LV=LV_PUBLIC):
        with pytest.raises(SignatureInvalid):
            services.regional_release_import(actor=user, content=tampered)
        own_state = exchange.dumps(
            exchange.release_build([], sender="EE", threshold=5), exchange.private_key(PRIVATE)
        )
        with pytest.raises(SenderUnknown):
            services.regional_release_import(actor=user, content=own_state)
    with _peers(tmp_path), pytest.raises(SenderUnknown):
        services.regional_release_import(actor=user, content=_lv_release())

    assert ImportedRelease.objects.count() == 0
    assert _events(Action.EXCHANGE_IMPORT) == []


def test_regional_trends_show_the_latest_release_of_each_state_with_lower_bounds() -> None:
    def release(
        sender: str, created_at: str, cells: dict[exchange.Cell, int | None]
    ) -> exchange.RegionalRelease:
        return exchange.RegionalRelease(
            sender=sender, created_at=created_at, threshold=5, cells=cells
        )

    own = release("EE", "2026-01-01T00:00:00Z", {("2024", "male", "adult", "other"): None})
    old = release("LV", "2025-01-01T00:00:00Z", {("2020", "male", "adult", "other"): 9})
    new = release(
        "LV",
        "2026-01-01T00:00:00Z",
        {("2024", "male", "adult", "other"): 6, ("2024", "female", "adult", "other"): None},
    )

    trends = selectors.regional_trends(own=own, imported=[new, old, own])

    assert trends.states == ["EE", "LV"]
    assert trends.rows == [("2024", [(0, True), (6, True)])]
    assert selectors.regional_trends(own=own, imported=[old, new]).rows == trends.rows


NAIVE_BROAD = {"sexual_exploitation": "sexual", "forced_labour": "labour"}


def test_the_regional_counts_agree_with_a_naive_count_over_the_cases() -> None:
    # given: a varied register written case by case
    import random

    from haven.cases.models import Case

    rng = random.Random(7)
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    decider = make_user(organisation=ngo)
    for _ in range(40):
        registered_case(
            lead=ngo,
            decider=decider,
            status=rng.choice(["presumed", "identified", "potential", "not_identified"]),
            registered_on=date(rng.choice([2023, 2024]), 5, 1),
            sex=rng.choice(["female", "male"]),
            birth_year=rng.choice([None, 1990, 2010]),
            forms=rng.sample(["sexual_exploitation", "forced_labour", "forced_marriage"], 2),
        )

    # when
    cells = dict(exchange.aggregate(selectors.registered_victims(country="EE")))

    # then: each case looked at on its own, with its own transitions
    naive: dict[exchange.Cell, int] = {}
    for case in Case.objects.filter(country="EE"):
        if case.identification_status not in {"presumed", "identified"}:
            continue
        year = min(t.decided_on for t in case.transitions.all()).year
        born = case.person.birth_year
        age = "unknown" if born is None else "child" if year - born < 18 else "adult"
        broad = {NAIVE_BROAD.get(form, "other") for form in case.forms_of_exploitation}
        for b in broad:
            key = (str(year), case.person.sex, age, b)
            naive[key] = naive.get(key, 0) + 1
    assert cells == naive
