"""The search for a place for one person: ranked by soft cost with its parts,
every excluded place with every reason, the risk level from the latest risk
assessment (or 1), regions instead of addresses, and only for the case lead's
staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from haven.access.models import TeamMembership
from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.assistance import catalogue
from haven.assistance.services import assessments as assessment_services
from haven.audit.models import AuditEvent
from haven.cases.tests.factories import add_to_team
from haven.lib.errors import InvalidInput, NotAllowed, NotFound
from haven.shelters import rules
from haven.shelters.selectors import search
from haven.shelters.selectors.search import SearchInput
from haven.shelters.tests.test_placements_services import place, placement_setup

pytestmark = pytest.mark.django_db


def test_it_ranks_suitable_places_by_soft_cost_and_explains_every_exclusion() -> None:
    # given: near the danger (Uusimaa), far from it (Lapland), and one excluded twice
    s = placement_setup()
    s.place.delete()
    near = place(s.shelter, name="Near", region="Uusimaa")
    far = place(s.shelter, name="Far", latitude=67.5, longitude=26.0, region="Lapland")
    place(s.shelter, name="Men only", accepts=["men"], security_level=1)

    # when
    result = search.placement_search(
        user=s.lead,
        case_id=s.case.id,
        inputs=SearchInput(danger_region="Uusimaa", risk_level=2),
    )

    # then: the far place first (further from danger is safer)
    assert [p.id for p in result.suitable] == [far.pk, near.pk]
    assert result.suitable[0].cost.danger < result.suitable[1].cost.danger
    assert result.suitable[0].cost.language == rules.LANGUAGE_POINTS  # ru is not spoken
    (excluded,) = result.excluded
    assert excluded.codes == ["not_this_gender", "security_too_low"]
    assert excluded.reasons == [
        str(rules.EXCLUSION_TEXT[rules.Exclusion.NOT_THIS_GENDER]),
        str(rules.EXCLUSION_TEXT[rules.Exclusion.SECURITY_TOO_LOW]),
    ]
    assert result.facts.assessed_risk is None
    assert result.facts.person.risk_level == 2
    assert AuditEvent.objects.filter(object_id=str(s.case.id), action="read").exists()
    shown = repr(result)
    assert "Secret street" not in shown and "60.17" not in shown


def test_the_latest_risk_assessment_sets_the_level_and_the_form_can_only_raise_it() -> None:
    # given
    s = placement_setup()
    sections = {
        sec.key: ("medium" if sec.key == "safety" else "low", "Noted.")
        for sec in catalogue.sections_for("risk", child=False)
    }
    assessment_services.assessment_record(
        actor=s.lead,
        case_id=s.case.id,
        kind="risk",
        assessed_on=timezone.localdate(),
        sections=sections,
        person_view="She is afraid.",
        based_on_version=0,
    )

    # when
    lowered = search.placement_search(
        user=s.lead, case_id=s.case.id, inputs=SearchInput(risk_level=1)
    )
    raised = search.placement_search(
        user=s.lead, case_id=s.case.id, inputs=SearchInput(risk_level=3)
    )

    # then
    assert lowered.facts.assessed_risk == 2
    assert lowered.facts.person.risk_level == 2
    assert raised.facts.person.risk_level == 3
    assert [e.codes for e in raised.excluded] == [["security_too_low"]]


def test_a_risk_assessment_the_reader_may_not_read_counts_as_none() -> None:
    # given: a risk assessment; a reader without the assessment group
    s = placement_setup()
    sections = {sec.key: ("high", "Noted.") for sec in catalogue.sections_for("risk", child=False)}
    assessment_services.assessment_record(
        actor=s.lead,
        case_id=s.case.id,
        kind="risk",
        assessed_on=timezone.localdate(),
        sections=sections,
        person_view="She is afraid.",
        based_on_version=0,
    )
    health = make_user(org_type=OrgType.HEALTH)  # no assessment group
    add_to_team(case=s.case, organisation=health.organisation)  # type: ignore[arg-type]

    # when / then
    assert search.assessed_risk(user=health, case_id=s.case.id) is None
    assert search.assessed_risk(user=s.lead, case_id=s.case.id) == 3


@pytest.mark.parametrize(
    ("age", "child"),
    [({"age_status": "uncertain_presumed_child"}, True), ({"estimated_age_min": 16}, True)],
)
def test_r10_a_presumed_child_is_searched_for_as_an_unaccompanied_child(
    age: dict[str, Any], child: bool
) -> None:
    # given: places that do not take children exclude them
    s = placement_setup(**({"age_status": "uncertain"} | age))
    s.place.delete()
    place(s.shelter, name="Adults", accepts=["women", "men"])

    # when
    result = search.placement_search(user=s.lead, case_id=s.case.id, inputs=SearchInput())

    # then
    assert result.facts.is_child is child
    assert [e.codes for e in result.excluded] == [["no_children"]]


def test_the_age_is_taken_from_the_year_of_birth_first() -> None:
    s = placement_setup()
    person = s.case.person
    person.birth_year = timezone.localdate().year - 40
    person.estimated_age_min = 12
    assert search.age_of(person, timezone.localdate()) == 40
    person.birth_year = None
    assert search.age_of(person, timezone.localdate()) == 12


def test_only_the_case_leads_staff_search() -> None:
    # given: the shelter on the team, and an organisation outside it
    s = placement_setup()
    TeamMembership.objects.create(
        case=s.case, organisation=s.shelter, is_lead=False, joined_at=timezone.now()
    )

    # when / then
    with pytest.raises(NotAllowed):
        search.placement_search(user=s.staff, case_id=s.case.id, inputs=SearchInput())
    with pytest.raises(NotFound):
        search.placement_search(user=s.other, case_id=s.case.id, inputs=SearchInput())
    found = search.placement_search(user=s.lead, case_id=s.case.id, inputs=SearchInput())
    assert found.case_id == s.case.id


def test_it_refuses_unknown_regions_and_levels() -> None:
    s = placement_setup()
    for inputs, field in [
        (SearchInput(services_region="Atlantis"), "services_region"),
        (SearchInput(risk_level=0), "risk_level"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            search.placement_search(user=s.lead, case_id=s.case.id, inputs=inputs)
        assert refused.value.field == field


def test_the_search_reads_a_fixed_number_of_queries_whatever_the_places(
    django_assert_num_queries: object,
) -> None:
    # given
    s = placement_setup()
    for n in range(5):
        place(s.shelter, name=f"Place {n}")

    def run() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            search.placement_search(
                user=s.lead, case_id=s.case.id, inputs=SearchInput(services_region="Uusimaa")
            )
        return len(queries)

    few = run()
    for n in range(10):
        place(s.shelter, name=f"More {n}")

    # then
    assert run() == few
