"""Every model holding the person's data has a section in the report for the
person (GDPR Art. 15): the models are found from the models themselves, and
each part of the report declares the models it covers."""

from __future__ import annotations

import pytest
import time_machine
from django.apps import apps
from django.db import models

from haven.assistance.tests.test_plans import NOON, make_plan, plan_team, service_input
from haven.audit.models import AuditEvent
from haven.web import composer
from haven.web.tests.personal_data import personal_data_models

# Models that reach a person or a case but hold none of the person's data, each with why.
NOT_THE_PERSONS_DATA: dict[str, str] = {
    "deadlines.Notification": "a message to a staff member that a deadline, a referral or a "
    "break-glass use needs them; it holds no data about the person beyond what the sections "
    "on deadlines, referrals and break-glass report",
    "linkage.BlockingKey": "keyed HMACs of fragments of the person's normalised name and year "
    "of birth, to find candidates for the search before create: nothing readable, derived "
    "from the identity the report already shows, deleted with the person's erasure; each "
    "time a check decrypts the person it is in the access report",
    "linkage.PairReview": "two person ids, a match probability and the national "
    "coordinator's decision on whether they are one person: no field of the person; each "
    "time the pair page decrypts the person it is in the access report",
    "linkage.Merge": "two case references and the workflow of their merge (who proposed, "
    "approved, reversed); the merge itself is in the access report (merge and unmerge events "
    "on each case)",
    "cases.Draft": "a caseworker's unsent form, readable by its author alone and deleted when "
    "sent or after HAVEN_DRAFT_DAYS; once sent, what it held is in the section of the case or "
    "the assessment it became",
}


def uncovered(found: set[str], covered: set[str], exempt: dict[str, str]) -> list[str]:
    return sorted(found - covered - set(exempt))


def test_every_model_with_the_persons_data_has_a_section_in_the_report() -> None:
    # given
    found = personal_data_models(list(apps.get_models()))

    # then
    assert uncovered(found, composer.covered_models(), NOT_THE_PERSONS_DATA) == []


def test_it_finds_the_personal_data_models_from_the_models_themselves() -> None:
    found = personal_data_models(list(apps.get_models()))
    # a direct key, a chain of keys (event -> referral -> case), an encrypted field only
    assert {"cases.Interview", "referrals.ReferralEvent", "referrals.ConcernReport"} <= found
    assert "accounts.Organisation" not in found


def test_each_exemption_names_a_real_model_and_a_reason() -> None:
    labels = {model._meta.label for model in apps.get_models()}
    for label, reason in NOT_THE_PERSONS_DATA.items():
        assert label in labels
        assert reason.strip()


def test_every_covered_model_exists() -> None:
    labels = {model._meta.label for model in apps.get_models()}
    assert composer.covered_models() <= labels


@pytest.mark.django_db
def test_the_checker_fails_for_a_personal_data_model_without_a_section() -> None:
    # given: a model about a case that no part of the report covers
    class Sighting(models.Model):
        case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
        where_enc = models.BinaryField()

        class Meta:
            app_label = "web"

        def __str__(self) -> str:
            return "a sighting"

    Sighting.__module__ = "haven.web.tests.fake"
    try:
        found = personal_data_models([*apps.get_models(), Sighting])

        # then
        assert uncovered(found, composer.covered_models(), NOT_THE_PERSONS_DATA) == ["web.Sighting"]
        exempt = {**NOT_THE_PERSONS_DATA, "web.Sighting": "a fake model of this test"}
        assert uncovered(found, composer.covered_models(), exempt) == []
    finally:
        del apps.all_models["web"]["sighting"]
        apps.clear_cache()


@pytest.mark.django_db
def test_the_report_holds_every_apps_section_read_through_its_selectors() -> None:
    # given: a case with an assistance plan (the lead sees the services group)
    t = plan_team()
    with time_machine.travel(NOON, tick=False):
        make_plan(t, service_input(t))

        # when
        report = composer.person_report_read(user=t.lead, case_id=t.case.id)

    # then: each part's sections, in the declared order
    keys = [section.key for section in report.sections]
    assert keys[:3] == ["erasure", "screenings", "decisions"]  # cases' own part first
    assert {"assistance", "guardians", "cooperation", "referrals", "deadlines"} <= set(keys)
    assistance = report.section("assistance")
    assert assistance.shown
    facts = {f.label: f.value for e in assistance.entries for f in e.facts}
    assert facts["Note"] == "Room in the safe house."  # decrypted by the plans selector
    plans_read = AuditEvent.objects.filter(
        object_type="assistance.AssistancePlan", person_id=str(t.case.person_id)
    )
    assert plans_read.exists()  # the selector recorded its read
