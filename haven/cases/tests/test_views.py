"""Case pages end to end through the test client: list, intake, detail, status
change, narrative and access report, with the allowed and the denied side of
each rule sharing one setup."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from haven.access.models import FieldGroup
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases import services
from haven.cases.models import Case, ExploitationForm
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import add_to_team, open_case
from haven.lib import paging
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

CASES = reverse("cases:list")
NEW = reverse("cases:new")

# Pinned, measured on SQLite. Every signed-in page costs 6: session, user, OTP
# device, and the session save (SESSION_SAVE_EVERY_REQUEST) in a savepoint pair,
# plus 1 for the menu's unread-notification count (web.context_processors).
# The list adds count, the user's organisation (header) and one page of cases with
# the lead's name as a subquery: the same for 3 cases as for 30.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
CASE_LIST_QUERIES = 11
# The detail adds case_read in a savepoint pair: case with person and key, team
# twice (visibility, decisions), organisation, narrative entries and transitions
# (each with their users in one query), and the audit append (head, event, head)
# in its own savepoint pair; then the timeline (haven.web.timeline): screenings,
# decisions, reflection period, deadlines (its extensions add 1 when there is a
# period, see haven/web/tests/test_timeline.py); and the reflection-period summary
# above the groups (one query), and the count of interviews (R-14, one query);
# and whether a detention record is open (R-16, one query; issue 5 moved 26 to 27).
# Issue 5's second slice adds 10: the assessments block (latest versions, open
# re-assessments: 2), the plan block (services by status, closure in force: 2), the
# dependants count (1 on an adult's case), the current cooperation record (1), and
# the timeline's assessment, plan, service and closure entries (4).
# Issue 6 adds 2: the referrals block: the lead with the user's membership and
# the open lead transfer as subqueries (1), and the case's referrals (1).
# And 1 for the menu's count of referrals waiting for the organisation's answer
# (web.context_processors).
# Issue 10 adds 2: the age block's history of age assessments (1) and the
# timeline's age assessments (1).
# Issue 11 adds 1: the requests for access on the case, for the case lead to answer.
# The same for 1 narrative entry as for 5.
# Issue 13 takes 4 away: the audit append is one insert now (sealed later by the worker).
# And 19 more: one query asks which models the apps' panels and timeline read hold rows
# on the case, and a part without rows (here all but the deadlines) reads nothing.
CASE_DETAIL_QUERIES = 20

ClientFor = Callable[[User], Client]


@pytest.fixture
def client_for() -> ClientFor:
    def make(user: User) -> Client:
        return sign_in(Client(), user)

    return make


def _detail(case: Case) -> str:
    return reverse("web:case_detail", args=[case.id])


def _row_count(html: str) -> int:
    return html.count('<th scope="row" ')


def _intake(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Maria",
        "family_name": "Synthetic",
        "aliases": "",
        "date_of_birth": "1990-04-01",
        "age_status": "uncertain",
        "sex": "female",
        "gender_identity": "woman",
        "citizenships": ["FI", "EE"],
        "first_language": "ru",
        "other_languages": ["et"],
        "contact": "+372 500 0000",
        "current_location": "Shelter 3, Tallinn",
        "health_notes": "",
        "forms_of_exploitation": [ExploitationForm.LABOUR, ExploitationForm.FORCED_MARRIAGE],
        "narrative": "Recruited with a false job offer.",
    }
    data.update(overrides)
    return data


# -- case list --------------------------------------------------------------


def test_it_lists_only_the_cases_of_the_users_own_team(client_for: ClientFor) -> None:
    # given
    first, second = make_user(), make_user()
    case_a = open_case(actor=first)
    case_b = open_case(actor=second)

    # when
    seen_by_first = client_for(first).get(CASES).content.decode()
    seen_by_second = client_for(second).get(CASES).content.decode()

    # then
    assert case_a.reference in seen_by_first
    assert case_b.reference not in seen_by_first
    assert case_b.reference in seen_by_second
    assert case_a.reference not in seen_by_second


def test_it_searches_by_reference(client_for: ClientFor) -> None:
    # given
    user = make_user()
    wanted, other = open_case(actor=user), open_case(actor=user)

    # when
    response = client_for(user).get(CASES, {"reference": wanted.reference[-6:].lower()})

    # then
    html = response.content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def test_it_searches_by_status(client_for: ClientFor) -> None:
    # given
    user = make_user()
    presumed, potential = open_case(actor=user), open_case(actor=user)
    services.case_transition(
        pathway_decision=True,
        actor=user,
        case_id=presumed.id,
        to_status=IdentificationStatus.PRESUMED,
        reasons="RG met.",
        legal_basis="Test Act s. 1",
    )

    # when
    response = client_for(user).get(CASES, {"status": IdentificationStatus.PRESUMED})

    # then
    html = response.content.decode()
    assert presumed.reference in html
    assert potential.reference not in html


def test_it_says_so_when_no_case_matches(client_for: ClientFor) -> None:
    # given
    user = make_user()
    open_case(actor=user)

    # when
    response = client_for(user).get(CASES, {"reference": "NO-SUCH-REF"})

    # then
    assert _row_count(response.content.decode()) == 0
    assert response.context["searching"] is True
    assert response.context["page"].count == paging.Count(0, exact=True)


def test_it_paginates_25_cases_per_page(client_for: ClientFor) -> None:
    # given
    user = make_user()
    for _ in range(30):
        open_case(actor=user)
    client = client_for(user)

    # when
    first = client.get(CASES)
    second = client.get(CASES, {"page": 2})

    # then
    assert _row_count(first.content.decode()) == 25
    assert _row_count(second.content.decode()) == 5
    assert 'rel="next"' in first.content.decode()


def test_it_answers_an_htmx_search_with_the_result_rows_alone(client_for: ClientFor) -> None:
    # given
    user = make_user()
    case = open_case(actor=user)

    # when
    response = client_for(user).get(
        CASES, {"reference": case.reference}, headers={"HX-Request": "true"}
    )

    # then
    html = response.content.decode()
    assert response.templates[0].name == "cases/_case_rows.html"
    assert "<html" not in html
    assert case.reference in html
    assert "HX-Request" in response.headers["Vary"]


def test_it_answers_a_plain_request_with_the_whole_page(client_for: ClientFor) -> None:
    # given
    user = make_user()

    # when
    response = client_for(user).get(CASES)

    # then
    assert response.templates[0].name == "cases/case_list.html"
    assert 'hx-get="/cases/"' in response.content.decode()


@pytest.mark.parametrize("cases", [3, 30])
def test_it_lists_cases_in_a_fixed_number_of_queries(
    client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries, cases: int
) -> None:
    # given
    user = make_user()
    for _ in range(cases):
        open_case(actor=user)
    client = client_for(user)

    # when / then
    with django_assert_num_queries(CASE_LIST_QUERIES):
        response = client.get(CASES)
    assert response.status_code == 200


# -- intake -----------------------------------------------------------------


def test_it_opens_a_case_from_the_intake_form(client_for: ClientFor) -> None:
    # given
    user = make_user()
    client = client_for(user)

    # when
    response = client.post(NEW, _intake())

    # then
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == _detail(case)
    assert case.person.citizenships == ["EE", "FI"]
    assert case.forms_of_exploitation == sorted(
        [ExploitationForm.LABOUR, ExploitationForm.FORCED_MARRIAGE]
    )
    detail = client.get(_detail(case)).content.decode()
    assert "Maria" in detail
    assert "Recruited with a false job offer." in detail


def test_it_shows_the_intake_form_with_labels_and_the_2024_forms(client_for: ClientFor) -> None:
    # when
    response = client_for(make_user()).get(NEW)

    # then
    html = response.content.decode()
    for name in ("given_name", "date_of_birth", "citizenships", "current_location"):
        assert f'<label for="id_{name}">' in html
    for form in ExploitationForm:
        assert f'value="{form.value}"' in html
    assert 'aria-describedby="id_age_status_helptext"' in html
    assert "<legend>" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date_of_birth",
        ),
        ({"citizenships": ["FIN"]}, "citizenships"),
        ({"first_language": "rus"}, "first_language"),
        ({"other_languages": ["Russian"]}, "other_languages"),
        (
            {"date_of_birth": "", "estimated_age_min": 30, "estimated_age_max": 20},
            "estimated_age_min",
        ),
    ],
)
def test_it_shows_intake_errors_beside_the_field_and_creates_nothing(
    client_for: ClientFor, overrides: dict[str, Any], field: str
) -> None:
    # given
    client = client_for(make_user())

    # when
    response = client.post(NEW, _intake(**overrides))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or (
        f'aria-describedby="id_{field}_error"' in html
    )
    assert 'aria-invalid="true"' in html
    assert Case.objects.count() == 0


def test_it_refuses_intake_by_a_role_without_case_access(client_for: ClientFor) -> None:
    # given
    admin = make_user(role="org_admin")

    # when
    response = client_for(admin).post(NEW, _intake())

    # then
    assert response.status_code == 403
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "org_type", "may_open"),
    [
        (Role.CASEWORKER, OrgType.NGO, True),
        (Role.SUPERVISOR, OrgType.NGO, True),
        (Role.ORG_ADMIN, OrgType.NGO, False),
        (Role.RAPPORTEUR, OrgType.RAPPORTEUR, False),
        (Role.SYSTEM_ADMIN, OrgType.NATIONAL_COORDINATOR, False),
    ],
)
def test_no_link_is_refused_new_case_is_offered_only_to_roles_that_open_cases(
    client_for: ClientFor, role: str, org_type: str, may_open: bool
) -> None:
    # given
    client = client_for(make_user(role=role, org_type=org_type))

    # when
    form_page = client.get(NEW)
    menu = client.get(CASES).content.decode()

    # then: the intake form is refused before it is filled in, and not offered
    assert form_page.status_code == (200 if may_open else 403)
    assert (f'href="{NEW}"' in menu) is may_open
    if not may_open:
        assert 'name="given_name"' not in form_page.content.decode()
        assert form_page.context["reason"]  # a plain explanation on the 403 page


# -- detail -----------------------------------------------------------------


def _section(html: str, group: str) -> str:
    match = re.search(rf'<section [^>]*id="group-{group}".*?</section>', html, re.S)
    assert match is not None
    return match.group(0)


def test_it_hides_location_from_police_on_the_team_and_says_why(client_for: ClientFor) -> None:
    # given
    ngo = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=ngo, current_location="Safe house 7, Testikatu 1")
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)

    # when
    seen_by_ngo = client_for(ngo).get(_detail(case))
    seen_by_police = client_for(police).get(_detail(case))

    # then
    ngo_location = _section(seen_by_ngo.content.decode(), "location")
    police_location = _section(seen_by_police.content.decode(), "location")
    assert "Safe house 7" in ngo_location
    assert "Safe house 7" not in seen_by_police.content.decode()
    assert "group--hidden" in police_location
    hidden = seen_by_police.context["view"].group(FieldGroup.LOCATION)
    # add_to_team's legal-basis agreement lets only the police type's default groups flow
    assert hidden.code == "no_agreement"
    assert hidden.reason in police_location
    shown = seen_by_ngo.context["view"].group(FieldGroup.LOCATION)
    assert shown.reason in ngo_location


def test_it_marks_a_presumed_child(client_for: ClientFor) -> None:
    # given
    user = make_user()
    child = open_case(actor=user, age_status="uncertain", estimated_age_min=15)
    adult = open_case(actor=user, age_status="verified_adult")
    client = client_for(user)

    # when
    child_page = client.get(_detail(child)).content.decode()
    adult_page = client.get(_detail(adult)).content.decode()

    # then
    assert "badge--child" in child_page
    assert "badge--child" not in adult_page


def test_it_shows_an_erased_person_as_erased_without_data(client_for: ClientFor) -> None:
    # given
    supervisor = make_user(role="supervisor")
    erased = open_case(actor=supervisor, given_name="Erasable")
    kept = open_case(actor=supervisor, given_name="Keepable")
    services.person_erase(actor=supervisor, case_id=erased.id)
    client = client_for(supervisor)

    # when
    erased_page = client.get(_detail(erased)).content.decode()
    kept_page = client.get(_detail(kept)).content.decode()

    # then
    assert "badge--erased" in erased_page
    assert "Erasable" not in erased_page
    assert f'href="{_transition(erased)}"' not in erased_page
    assert "badge--erased" not in kept_page
    assert "Keepable" in kept_page
    assert f'href="{_transition(kept)}"' in kept_page


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_the_status_form_of_an_erased_person_as_the_service_would(
    client_for: ClientFor, method: str
) -> None:
    # given: the page hides the link; the address typed by hand meets the same rule
    supervisor = make_user(role="supervisor")
    erased = open_case(actor=supervisor)
    kept = open_case(actor=supervisor)
    services.person_erase(actor=supervisor, case_id=erased.id)
    client = client_for(supervisor)
    data = {"to_status": "withdrawn", "reasons": "She moved away."}

    # when
    refused = getattr(client, method)(_transition(erased), data)
    offered = client.get(_transition(kept))

    # then
    assert refused.status_code == 409
    assert "<form" not in refused.content.decode().split("<main", 1)[-1]
    assert not erased.transitions.filter(to_status="withdrawn").exists()
    assert offered.status_code == 200


@pytest.mark.parametrize("entries", [1, 5])
def test_it_shows_the_detail_page_in_a_fixed_number_of_queries(
    client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries, entries: int
) -> None:
    # given
    user = make_user()
    case = open_case(actor=user, narrative="First entry.")
    for number in range(1, entries):
        services.narrative_append(actor=user, case_id=case.id, text=f"Entry {number}.")
    client = client_for(user)

    # when / then
    with django_assert_num_queries(CASE_DETAIL_QUERIES):
        response = client.get(_detail(case))
    assert response.status_code == 200


def _without_csrf_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("suffix", ["", "transition/", "access-report/"])
def test_it_answers_hidden_missing_and_malformed_cases_alike(
    client_for: ClientFor, suffix: str
) -> None:
    # given
    owner, outsider = make_user(), make_user()
    hidden = open_case(actor=owner)
    client = client_for(outsider)

    # when
    responses = [
        client.get(f"/cases/{hidden.id}/{suffix}"),
        client.get(f"/cases/{uuid.uuid4()}/{suffix}"),
        client.get(f"/cases/not-a-case/{suffix}"),
    ]

    # then
    assert {r.status_code for r in responses} == {404}
    bodies = {_without_csrf_tokens(r.content.decode()) for r in responses}
    assert len(bodies) == 1
    assert hidden.reference not in bodies.pop()
    assert client_for(owner).get(f"/cases/{hidden.id}/{suffix}").status_code == 200


# -- status transition ------------------------------------------------------


def _transition(case: Case) -> str:
    return reverse("cases:transition", args=[case.id])


def test_it_offers_only_the_statuses_the_table_allows(client_for: ClientFor) -> None:
    # given
    user = make_user()
    case = open_case(actor=user)

    # when
    response = client_for(user).get(_transition(case))

    # then
    html = response.content.decode()
    assert f'value="{IdentificationStatus.WITHDRAWN.value}"' in html
    assert f'value="{IdentificationStatus.IDENTIFIED.value}"' not in html
    # presumed is allowed by the table but only through an identification decision
    assert f'value="{IdentificationStatus.PRESUMED.value}"' not in html
    assert reverse("identification:decision_new", args=[case.id]) in html


def test_it_records_an_allowed_transition_with_reasons(client_for: ClientFor) -> None:
    # given
    user = make_user()
    case = open_case(actor=user)
    client = client_for(user)

    # when
    response = client.post(
        _transition(case),
        {
            "to_status": IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION,
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": "Act 1/2024 s. 5",
            "reasons": "The person chose not to be formally identified.",
        },
    )

    # then
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.identification_status == IdentificationStatus.DECLINED_FORMAL_IDENTIFICATION
    legal = _section(client.get(_detail(case)).content.decode(), "legal")
    assert "The person chose not to be formally identified." in legal
    assert "Act 1/2024 s. 5" in legal


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"to_status": IdentificationStatus.IDENTIFIED}, "to_status"),
        ({"reasons": ""}, "reasons"),
        ({"legal_basis": ""}, "legal_basis"),  # required
        ({"decided_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "decided_on"),
    ],
)
def test_it_refuses_a_transition_beside_the_field_and_changes_nothing(
    client_for: ClientFor, overrides: dict[str, Any], field: str
) -> None:
    # given
    user = make_user()
    case = open_case(actor=user)
    data = {
        "to_status": IdentificationStatus.WITHDRAWN,
        "decided_on": timezone.localdate().isoformat(),
        "legal_basis": "Act 1/2024 s. 5",
        "reasons": "Reasons given.",
        **overrides,
    }

    # when
    response = client_for(user).post(_transition(case), data)

    # then
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    case.refresh_from_db()
    assert case.identification_status == IdentificationStatus.POTENTIAL
    assert case.transitions.count() == 1


def test_it_refuses_the_transition_page_to_a_team_member_without_the_legal_group(
    client_for: ClientFor,
) -> None:
    # given
    ngo = make_user(org_type=OrgType.NGO)
    inspector = make_user(org_type=OrgType.LABOUR_INSPECTORATE)
    case = open_case(actor=ngo)
    assert inspector.organisation is not None
    add_to_team(case=case, organisation=inspector.organisation)

    # when
    refused = client_for(inspector).get(_transition(case))
    allowed = client_for(ngo).get(_transition(case))

    # then
    assert refused.status_code == 403
    assert allowed.status_code == 200


# -- narrative --------------------------------------------------------------


def test_it_appends_to_the_narrative(client_for: ClientFor) -> None:
    # given
    user = make_user()
    case = open_case(actor=user, narrative="First entry.")
    client = client_for(user)

    # when
    response = client.post(reverse("web:narrative_add", args=[case.id]), {"text": "Second entry."})

    # then
    assert response.status_code == 302
    narrative = _section(client.get(_detail(case)).content.decode(), "narrative")
    assert narrative.index("First entry.") < narrative.index("Second entry.")


def test_it_refuses_an_empty_narrative_entry_beside_the_field(client_for: ClientFor) -> None:
    # given
    user = make_user()
    case = open_case(actor=user)

    # when
    response = client_for(user).post(reverse("web:narrative_add", args=[case.id]), {"text": "   "})

    # then
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert case.narrative.count() == 0


def test_it_refuses_narrative_to_a_team_member_without_the_narrative_group(
    client_for: ClientFor,
) -> None:
    # given
    ngo = make_user(org_type=OrgType.NGO)
    shelter = make_user(org_type=OrgType.SHELTER)
    case = open_case(actor=ngo)
    assert shelter.organisation is not None
    add_to_team(case=case, organisation=shelter.organisation)
    url = reverse("web:narrative_add", args=[case.id])

    # when
    refused = client_for(shelter).post(url, {"text": "From the shelter."})
    allowed = client_for(ngo).post(url, {"text": "From the NGO."})

    # then
    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert case.narrative.count() == 1


# -- access report ----------------------------------------------------------


def test_no_link_is_refused_the_access_report_is_offered_to_the_lead_only(
    client_for: ClientFor,
) -> None:
    # given
    ngo = make_user(org_type=OrgType.NGO)
    police = make_user(org_type=OrgType.POLICE)
    case = open_case(actor=ngo)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)
    police_client = client_for(police)
    police_client.get(_detail(case))
    url = reverse("cases:access_report", args=[case.id])

    # when
    for_lead = client_for(ngo).get(url)
    for_member = police_client.get(url)

    # then
    assert for_lead.status_code == 200
    assert [e.actor_username for e in for_lead.context["events"]].count(police.username) == 1
    assert for_member.status_code == 403
    assert "events" not in for_member.context
    # the link is shown by the same rule that refuses (issue 11: no dead ends)
    link = f'href="/cases/{case.id}/access-report/"'
    assert link in client_for(ngo).get(_detail(case)).content.decode()
    assert link not in police_client.get(_detail(case)).content.decode()


def test_r01_the_transition_form_offers_the_pathways_legal_basis(client_for: ClientFor) -> None:
    # given
    user = make_user()
    case = open_case(actor=user)

    # when
    html = client_for(user).get(_transition(case)).content.decode()

    # then
    assert 'value="CETS Art. 10; Directive 2011/36/EU Art. 11"' in html
    assert 'name="legal_basis"' in html and "required" in html


# -- languages and countries by name (issue 11) ---------------------------------------


def test_intake_offers_languages_and_countries_by_name_in_the_users_language(
    client_for: ClientFor,
) -> None:
    # given
    client = client_for(make_user())

    # when
    english = client.get(NEW).content.decode()
    estonian = client.get(NEW, headers={"accept-language": "et"}).content.decode()

    # then: a plain select works without JavaScript, the filter box is only added to it
    assert '<select name="first_language"' in english
    assert '<option value="ru">Russian</option>' in english
    assert '<option value="RU">Russia</option>' in english
    assert '<option value="ru">vene</option>' in estonian
    assert '<option value="RU">Venemaa</option>' in estonian
    assert english.index('value="de">German') < english.index('value="ru">Russian')


def test_intake_keeps_the_first_language_first_and_the_page_shows_names(
    client_for: ClientFor,
) -> None:
    # given
    client = client_for(make_user())

    # when
    client.post(NEW, _intake(first_language="ru", other_languages=["et", "ru"]))

    # then
    case = Case.objects.get()
    assert case.person.languages == ["ru", "et"]
    assert case.person.citizenships == ["EE", "FI"]
    english = client.get(_detail(case)).content.decode()
    estonian = client.get(_detail(case), headers={"accept-language": "et"}).content.decode()
    assert "Russian, Estonian" in english
    assert "Estonia, Finland" in english
    assert "vene, eesti" in estonian
    assert "Eesti, Soome" in estonian
