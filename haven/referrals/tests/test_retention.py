"""The public concern form's region is sealed under the report's own key, the
desk's records about a person die with them, and concern reports closed without
action are anonymised after their retention period (R-40, issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import UserFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.cases import services as case_services
from haven.lib.tests.migrations import latest, migrate
from haven.referrals.models import ConcernReport, ConcernReportState
from haven.referrals.selectors import desk as desk_selectors
from haven.referrals.services import desk as services
from haven.referrals.services import retention
from haven.vault import services as vault
from haven.vault.errors import KeyDestroyed

REGION = "Test harbour, north pier"
WHAT = "A deck hand sleeps on the test ship; his passport is held by the captain."


def _coordinator(role: str = Role.CASEWORKER) -> User:
    return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=role)


def _report() -> ConcernReport:
    return services.report_submit(description=WHAT, region=REGION, client_address="192.0.2.9")


@pytest.mark.django_db
def test_r39_the_public_forms_region_is_sealed_under_the_reports_key() -> None:
    # given
    desk = _coordinator()

    # when
    report = _report()

    # then: never stored in the clear; the desk reads it in the list and the report
    stored = ConcernReport.objects.select_related("data_key").get(pk=report.pk)
    assert REGION.encode() not in bytes(stored.region_enc or b"")
    assert vault.decrypt(
        key=stored.data_key, ciphertext=stored.region_enc or b"", context=services.REGION_CONTEXT
    ) == (REGION)
    assert [r.region for r in desk_selectors.report_list(user=desk)] == [REGION]
    assert desk_selectors.report_get(user=desk, report_id=report.pk).row.region == REGION


@pytest.mark.django_db
def test_r39_the_region_and_description_are_unreadable_after_the_person_is_erased() -> None:
    # given: a case opened from the report, then its person erased by the lead
    desk = _coordinator()
    report = _report()
    case = services.report_case_open(
        actor=desk, report_id=report.pk, person=case_services.PersonInput()
    )
    supervisor = UserFactory.create(organisation=desk.organisation, role=Role.SUPERVISOR)

    # when
    case_services.person_erase(actor=supervisor, case_id=case.id)

    # then: the report's key is gone with the person's; the desk sees no words
    stored = ConcernReport.objects.select_related("data_key").get(pk=report.pk)
    assert stored.data_key.destroyed_at is not None
    with pytest.raises(KeyDestroyed):
        vault.decrypt(
            key=stored.data_key,
            ciphertext=stored.region_enc or b"",
            context=services.REGION_CONTEXT,
        )
    view = desk_selectors.report_get(user=desk, report_id=report.pk)
    assert (view.row.region, view.description, view.contact) == ("", "", "")
    records = desk_selectors.desk_records_of_case(user=supervisor, case_id=case.id)
    assert [(r.description, r.row.region) for r in records.reports] == [("", "")]


@pytest.mark.django_db
@override_settings(HAVEN_RETENTION_YEARS_CLOSED_REPORT=1)
def test_r40_reports_closed_without_action_are_anonymised_after_their_period() -> None:
    # given: one closed two years ago, one closed last month, one still new
    desk = _coordinator()
    old, recent, new = _report(), _report(), _report()
    for report in (old, recent):
        services.report_close(actor=desk, report_id=report.pk, reason="not_trafficking")
    ConcernReport.objects.filter(pk=old.pk).update(triaged_at=timezone.now() - timedelta(days=800))
    now = timezone.now()

    # when
    dry = retention.reports_retention(now, True)
    done = retention.reports_retention(now, False)

    # then
    assert [(r.reference, r.outcome) for r in dry] == [(old.reference, "would_anonymise")]
    assert [(r.record_class, r.reference, r.outcome) for r in done] == [
        ("closed_report", old.reference, "anonymised")
    ]
    keys = {
        r.pk: r.data_key.destroyed_at is not None
        for r in ConcernReport.objects.select_related("data_key")
    }
    assert keys == {old.pk: True, recent.pk: False, new.pk: False}
    event = AuditEvent.objects.get(object_id=str(old.pk), action=Action.ERASE)
    assert event.detail == {"retention": "closed_report", "years": 1}
    assert ConcernReport.objects.get(pk=old.pk).state == ConcernReportState.CLOSED
    assert retention.reports_retention(now, False) == []


# --- the migration ---------------------------------------------------------------------------

LAST_BEFORE = ("referrals", "0005_directory_entry_version")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_r39_the_migration_seals_existing_regions_under_each_reports_key() -> None:
    # given: reports written with the region in the clear (one whose key is gone)
    live, shredded, blank = _report(), _report(), _report()
    vault.data_key_destroy(key=shredded.data_key)
    executor = migrate([LAST_BEFORE])
    old = executor.loader.project_state([LAST_BEFORE]).apps.get_model("referrals", "ConcernReport")
    old.objects.filter(pk__in=[live.pk, shredded.pk]).update(region=REGION)
    old.objects.filter(pk=blank.pk).update(region="")

    # when
    migrate(latest())

    # then
    stored = {r.pk: r for r in ConcernReport.objects.select_related("data_key")}
    assert vault.decrypt(
        key=stored[live.pk].data_key,
        ciphertext=stored[live.pk].region_enc or b"",
        context=services.REGION_CONTEXT,
    ) == (REGION)
    assert REGION.encode() not in bytes(stored[live.pk].region_enc or b"")
    assert stored[shredded.pk].region_enc is None
    assert stored[blank.pk].region_enc is None

    # and back: the region returns in the clear where the key lives
    executor = migrate([LAST_BEFORE])
    old = executor.loader.project_state([LAST_BEFORE]).apps.get_model("referrals", "ConcernReport")
    assert {r.pk: r.region for r in old.objects.all()} == {
        live.pk: REGION,
        shredded.pk: "",
        blank.pk: "",
    }
