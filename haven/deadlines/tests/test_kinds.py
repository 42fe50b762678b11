"""The registry of deadline kinds and the case hooks: each app registers what it
owns, and the shared machinery reads only the registry (issue 9)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy

from haven.accounts.models import Role
from haven.accounts.tests.factories import make_user
from haven.assistance import clocks as assistance_clocks
from haven.cases import hooks
from haven.cases.models import Case, Person
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import open_case
from haven.children import clocks as children_clocks
from haven.deadlines import erasure as deadline_erasure
from haven.deadlines import kinds, tasks
from haven.identification import clocks as identification_clocks
from haven.identification import hooks as identification_hooks
from haven.justice import clocks as justice_clocks
from haven.linkage import clocks as linkage_clocks
from haven.referrals import clocks as referrals_clocks
from haven.returns import clocks as returns_clocks


def test_it_holds_every_kind_the_apps_register_with_its_owner() -> None:
    # when
    registered = dict(kinds.choices())

    # then
    assert (
        {
            identification_clocks.DECISION_DUE,
            identification_clocks.SCREENING_REVIEW,
            children_clocks.GUARDIAN_APPOINTMENT,
            assistance_clocks.REFLECTION_PERIOD_END,
            assistance_clocks.PERMIT_EXPIRY,
            assistance_clocks.REASSESSMENT_DUE,
            assistance_clocks.CLOSURE_FOLLOW_UP,
            referrals_clocks.ACCESS_REQUEST,
            deadline_erasure.ERASURE_APPROVAL,
            linkage_clocks.HIDDEN_MATCH,
            linkage_clocks.MERGE_APPROVAL,
            linkage_clocks.MERGED_ELSEWHERE,
            justice_clocks.COMPELLED_OFFENCE_INFORM,
            returns_clocks.FOLLOW_UP,
        }
        == set(kinds.keys())
        == set(registered)
    )
    assert registered["guardian_appointment"] == "Appoint a guardian"
    assert kinds.label("guardian_appointment") == "Appoint a guardian"


@pytest.fixture
def registry_kept() -> Iterator[None]:
    """The registry as the apps left it, whatever a test registers."""
    kept = dict(kinds._KINDS)
    yield
    kinds._KINDS.clear()
    kinds._KINDS.update(kept)


@pytest.mark.usefixtures("registry_kept")
def test_it_refuses_a_kind_that_another_app_already_owns() -> None:
    # given: children owns the guardian appointment
    label = gettext_lazy("Appoint a guardian")

    # then: the owner may register again (a second ready()); nobody else may
    assert kinds.register("guardian_appointment", label, owner="children") == "guardian_appointment"
    with pytest.raises(ImproperlyConfigured):
        kinds.register("guardian_appointment", label, owner="assistance")


def test_it_names_an_unknown_kind_by_its_key() -> None:
    # A task whose kind no app registers any more still shows, by its key.
    assert kinds.label("retired_kind") == "retired_kind"
    assert kinds.describe("retired_kind", detail={}, country="FI") == "retired_kind"
    assert kinds.closed_by_record("retired_kind") is None


def test_it_lets_only_a_record_close_the_decision_guardian_and_reassessment_tasks() -> None:
    for key in (
        identification_clocks.DECISION_DUE,
        children_clocks.GUARDIAN_APPOINTMENT,
        assistance_clocks.REASSESSMENT_DUE,
    ):
        assert kinds.closed_by_record(key) is not None
    assert kinds.closed_by_record(assistance_clocks.PERMIT_EXPIRY) is None


def test_it_describes_a_kind_by_its_label_unless_its_owner_says_more() -> None:
    assert kinds.describe(assistance_clocks.PERMIT_EXPIRY, detail={}, country="FI") == (
        "Residence permit expires"
    )
    assert kinds.describe(identification_clocks.DECISION_DUE, detail={}, country="FI") == (
        "Identification decision due"
    )


def test_it_lists_the_hooks_each_app_registered_in_order() -> None:
    # then: identification's decision clock runs before children's guardian clock
    assert hooks.handlers() == {
        "case_opened": [
            "haven.identification.clocks.decision_clock_start",
            "haven.children.clocks.guardian_clock_start",
        ],
        "status_changed": [
            "haven.identification.clocks.decision_clocks_stop",
            "haven.identification.clocks.decision_clock_restart",
            "haven.assistance.clocks.reassessments_due",
        ],
        "age_status_changed": ["haven.children.clocks.guardian_clock_follow_age"],
        # Erasure (issue 12): the second approver's task, and the desk's keys.
        "erasure_requested": ["haven.deadlines.erasure.erasure_task_open"],
        "erasure_answered": ["haven.deadlines.erasure.erasure_task_close"],
        "person_erased": [
            "haven.referrals.services.retention.desk_keys_destroy",
            "haven.linkage.services.person_keys_erase",
        ],
        # The search before create (issue 14): the check intake may require, the index.
        "case_opening": ["haven.linkage.selectors.search_check"],
        "person_identity_written": ["haven.linkage.services.identity_indexed"],
    }
    assert identification_hooks.handlers() == [
        "haven.assistance.services.reflection.reflection_period_follows"
    ]


@pytest.mark.django_db
def test_r40_retention_runs_with_the_deadline_sweep_and_counts_who_it_anonymised() -> None:
    # given: a person who left the mechanism ten years ago
    case = open_case(actor=make_user(role=Role.SUPERVISOR))
    Case.objects.filter(pk=case.pk).update(
        identification_status=IdentificationStatus.WITHDRAWN,
        status_changed_at=timezone.now() - timedelta(days=3660),
    )

    # when
    figures = tasks.sweep_all()

    # then
    assert figures["retention_anonymised"] == 1
    assert Person.objects.get(pk=case.person_id).erased_at is not None


def test_only_a_kind_acted_on_off_the_team_has_a_page_for_it() -> None:
    # a merge to approve links to its merge; a kind without such a page, an unknown
    # kind and a detail that is not a mapping give none (the deadline stays on its case)
    merge = "0b9e3c1e-2f4a-4c8e-9d51-6a7f0c2b4e11"
    assert kinds.off_team_link(linkage_clocks.MERGE_APPROVAL, detail={"merge": merge}).endswith(
        f"/{merge}/"
    )
    assert kinds.off_team_link(children_clocks.GUARDIAN_APPOINTMENT, detail={}) == ""
    assert kinds.off_team_link("no_such_kind", detail={}) == ""
    assert kinds.off_team_link(linkage_clocks.MERGE_APPROVAL, detail=[merge]) == ""
