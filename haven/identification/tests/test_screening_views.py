"""Screening pages end to end through the test client: the form (phone-friendly, no
JavaScript needed), the result in R-09's words, the list, and who may see them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django import DjangoAssertNumQueries

from haven.access import policy as access_policy
from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import Organisation, OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases import services as case_services
from haven.cases.models import Case, Draft, ExploitationForm
from haven.cases.status import IdentificationStatus
from haven.cases.tests.factories import add_to_team, open_case
from haven.deadlines.models import Task
from haven.identification import clocks as identification_clocks
from haven.identification.models import IndicatorSet, Screening
from haven.identification.services import indicator_sets as set_services
from haven.identification.tests.factories import (
    ADULT_CONSISTENT,
    INSUFFICIENT,
    load_empty_set,
    load_shipped_sets,
    national_file,
    screen,
    text_of,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "identification"
# Pinned, measured on SQLite. A signed-in page costs 7 (session, user, OTP device, the
# header's unread notifications, session save in a savepoint pair); the list adds, in
# a savepoint pair, the case, the team twice (visibility, decision), the user's
# organisation, the screenings with their sets, users and counts, and the audit append
# (head, event, head) in its own pair: the same for 3 screenings as for 30. Issue 4
# adds one: the reader's live break-glass grants (rule_break_glass runs before the
# team rules, so even the case lead's decision loads them, once per request).
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
# Issue 9 takes 1 away: the case gate decides with the team it loaded to see the case.
# Issue 13 takes 4 away: the audit append is one insert now (sealed later by the worker).
SCREENING_LIST_QUERIES = 16

ClientFor = Callable[[User], Client]


@pytest.fixture
def client_for() -> ClientFor:
    def make(user: User) -> Client:
        return sign_in(Client(), user)

    return make


@pytest.fixture
def sets() -> dict[str, IndicatorSet]:
    return load_shipped_sets()


@pytest.fixture
def worker() -> User:
    return make_user(org_type=OrgType.NGO)


def without_csrf_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def org_of(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def new_url(case: Case, set_key: str = "") -> str:
    url = reverse("identification:screening_new", args=[case.id])
    return f"{url}?set={set_key}" if set_key else url


def ticked(*codes: str, source: str = "own_account", note: str = "") -> dict[str, str]:
    data: dict[str, str] = {}
    for code in codes:
        data[f"observed_{code}"] = "on"
        data[f"source_{code}"] = source
        data[f"note_{code}"] = note
    return data


# --- the form -----------------------------------------------------------------------------


def test_the_form_shows_the_suggested_set_with_its_provisional_flag_and_source(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    response = client_for(worker).get(new_url(case))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="set" value="adults_labour"' in html
    assert "Provisional indicator set" in html
    assert "Operational indicators of trafficking in human beings" in html
    assert "International Labour Office / European Commission, 2009" in html
    assert "https://<wbr>www.ilo.org/<wbr>global/<wbr>" in html  # text that wraps on a phone
    assert html.count('<fieldset class="screening-element"') == 6
    assert "Is an act of trafficking established?" not in html


def test_each_indicator_is_a_labelled_checkbox_with_its_strength_in_words_and_source_and_note(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    html = client_for(worker).get(new_url(case)).content.decode()

    # then
    label = re.search(r'<label for="id_observed_DR-01"[^>]*>(.*?)</label>', html, re.S)
    assert label is not None
    assert 'type="checkbox" name="observed_DR-01"' in label.group(1)
    assert "Deceived about the nature of the job, location or employer" in label.group(1)
    assert "strong indicator" in label.group(1)
    assert html.count('type="checkbox"') == 67
    assert 'name="source_DR-01"' in html
    assert 'name="note_DR-01"' in html
    assert html.split("<main", 1)[1].count("<details") == 67  # one per indicator
    assert '<label for="id_source_VD-07">' in html


def test_r10_a_presumed_child_gets_the_child_set_and_the_act_question(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given: asking for an adult set changes nothing
    case = open_case(actor=worker, age_status="uncertain_presumed_child", date_of_birth=None)

    # when
    html = client_for(worker).get(new_url(case, "adults_labour")).content.decode()

    # then
    assert 'name="set" value="children_labour"' in html
    assert '<option value="adults_labour"' not in html
    assert "Is an act of trafficking established?" in html
    assert "no means (deception, coercion, abuse of vulnerability) are needed" in html
    assert "Treated as a child (presumption of minority)" in html


def test_r05_a_set_without_indicators_is_not_offered_and_is_named(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    empty = load_empty_set()
    case = open_case(actor=worker)

    # when
    html = client_for(worker).get(new_url(case, empty.key)).content.decode()

    # then
    assert 'name="set" value="adults_labour"' in html
    assert f'<option value="{empty.key}"' not in html
    assert "have no indicators yet and cannot be used" in html
    assert f"Adults, still to be filled in ({empty.key})" in html


def test_the_user_can_pick_another_allowed_set(worker: User, client_for: ClientFor) -> None:
    # given: the ILO sets and a confirmed national set for adults
    load_shipped_sets()
    set_services.indicator_sets_load(actor=None, text=text_of(national_file()), file_name="n.yaml")
    case = open_case(actor=worker)

    # when
    html = client_for(worker).get(new_url(case, "adults_criminality")).content.decode()

    # then
    assert 'name="set" value="adults_criminality"' in html
    assert '<option value="adults_labour"' in html
    assert "Provisional indicator set" not in html  # the national set is confirmed
    assert "National indicators, Coordinator, 2025" in html


def test_it_says_so_when_no_set_is_loaded(worker: User, client_for: ClientFor) -> None:
    # when
    response = client_for(worker).get(new_url(open_case(actor=worker)))

    # then
    assert response.status_code == 200
    assert "No indicator set with indicators is loaded" in response.content.decode()


def test_posting_the_form_records_the_screening_and_shows_it(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)
    data = {"set": "adults_labour", **ticked(*ADULT_CONSISTENT, note="Told us on arrival.")}

    # when
    response = client_for(worker).post(new_url(case, "adults_labour"), data)

    # then
    screening = Screening.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("identification:screening_detail", args=[screening.id])
    assert screening.observations.count() == 6
    assert screening.outcome == "indicators_consistent_with_trafficking"


def test_a_ticked_indicator_without_a_source_is_shown_beside_its_field(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)
    data = {"set": "adults_labour", **ticked("DR-01"), "observed_EX-01": "on"}

    # when
    response = client_for(worker).post(new_url(case, "adults_labour"), data)

    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert '<ul class="errorlist" id="id_source_EX-01_error">' in html
    assert 'aria-describedby="id_source_EX-01_helptext id_source_EX-01_error"' in html
    assert '<p class="help" id="id_source_EX-01_helptext">Required when EX-01 is ticked.' in html
    assert not Screening.objects.exists()


def test_r10_a_child_screening_posted_with_the_act_answer(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker, age_status="verified_child", date_of_birth=None)
    data = {"set": "children_labour", "act_established": "yes", **ticked("EX-01", "EX-02")}

    # when
    response = client_for(worker).post(new_url(case, "children_labour"), data)

    # then
    screening = Screening.objects.get(case=case)
    assert response.status_code == 302
    assert screening.act_established is True
    assert screening.indicator_set.key == "children_labour"
    assert screening.outcome == "indicators_consistent_with_trafficking"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_erased_persons_screening_form_is_not_offered_and_nothing_is_recorded(
    sets: dict[str, IndicatorSet], client_for: ClientFor, method: str
) -> None:
    # given: the same supervisor with an erased case and a kept one
    supervisor = make_user(org_type=OrgType.NGO, role="supervisor")
    case = open_case(actor=supervisor)
    kept = open_case(actor=supervisor)
    case_services.person_erase(actor=supervisor, case_id=case.id)
    client = client_for(supervisor)
    data = {"set": "adults_labour", **ticked("DR-01")}

    # when: the address typed by hand meets the rule the service applies
    refused = getattr(client, method)(new_url(case, "adults_labour"), data)
    offered = client.get(new_url(kept, "adults_labour"))

    # then
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "This person&#x27;s data was erased." in page
    assert "<form" not in page.split("<main", 1)[-1]
    assert not Screening.objects.exists()
    assert offered.status_code == 200
    assert "<form" in offered.content.decode().split("<main", 1)[-1]


# --- the result ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "set_key", "missing"),
    [
        ([ExploitationForm.SEXUAL], "adults_labour", "the sexual exploitation set"),
        (
            [ExploitationForm.SEXUAL, ExploitationForm.LABOUR],
            "adults_sexual",
            "the labour exploitation set",
        ),
        ([ExploitationForm.LABOUR], "adults_labour", None),
    ],
)
def test_r05_insufficient_is_never_said_of_a_form_whose_own_set_was_not_used(
    sets: dict[str, IndicatorSet],
    worker: User,
    client_for: ClientFor,
    forms: list[str],
    set_key: str,
    missing: str | None,
) -> None:
    # given: a screening with too few indicators, with a set that may not cover the forms
    case = open_case(actor=worker, forms=forms)
    screening = screen(actor=worker, case=case, set_key=set_key, codes=("CD-01",))
    client = client_for(worker)

    # when
    detail = client.get(reverse("identification:screening_detail", args=[screening.id]))
    listing = client.get(reverse("identification:screening_list", args=[case.id]))
    report = client.get(reverse("web:person_report", args=[case.id]))

    # then: each door names the set that is missing, or says "insufficient" when none is
    for page in (detail, listing, report):
        html = page.content.decode()
        if missing is None:
            assert "Insufficient indicators recorded" in html
            assert "screen again with" not in html
        else:
            assert f"screen again with {missing}" in html


def test_r09_an_insufficient_result_is_worded_as_decision_support_with_its_review(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)
    screening = screen(actor=worker, case=case, codes=INSUFFICIENT)

    # when
    html = (
        client_for(worker)
        .get(reverse("identification:screening_detail", args=[screening.id]))
        .content.decode()
    )

    # then
    assert '<h2 id="screening-outcome-title">Insufficient indicators recorded</h2>' in html
    assert "This does not mean that the person is not a victim." in html
    assert "A review task was opened for your organisation" in html
    assert "The case's status has not changed." in html
    assert "Provisional indicator set" in html
    assert Task.objects.filter(case=case, kind=identification_clocks.SCREENING_REVIEW).exists()
    case.refresh_from_db()
    assert case.identification_status == IdentificationStatus.POTENTIAL


def test_a_consistent_result_explains_each_element(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)
    screening = screen(actor=worker, case=case, codes=ADULT_CONSISTENT, note="Seen at the site.")

    # when
    html = (
        client_for(worker)
        .get(reverse("identification:screening_detail", args=[screening.id]))
        .content.decode()
    )

    # then
    assert "Indicators consistent with trafficking" in html
    assert "This is decision support, not a decision" in html
    assert "A review task was opened" not in html
    assert "1 strong + 1 medium or weak" in html
    assert "Not positive: no indicator of this element was recorded." in html
    assert "Seen at the site." in html
    assert "The person&#x27;s own account" in html


def test_the_list_shows_the_cases_screenings_with_links_in_pinned_queries(
    sets: dict[str, IndicatorSet],
    worker: User,
    client_for: ClientFor,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    case = open_case(actor=worker)
    made = [screen(actor=worker, case=case, codes=INSUFFICIENT) for _n in range(3)]
    client = client_for(worker)
    url = reverse("identification:screening_list", args=[case.id])

    # when
    with django_assert_num_queries(SCREENING_LIST_QUERIES):
        response = client.get(url)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="row" ') == 3
    for screening in made:
        assert reverse("identification:screening_detail", args=[screening.id]) in html
    assert "Insufficient indicators recorded" in html
    assert "adults_labour v1 (provisional)" in html
    assert html.count("Provisional indicator set") == 1
    assert "International Labour Office / European Commission, 2009" in html
    assert new_url(case) in html


# --- who may see them ---------------------------------------------------------------------


@pytest.mark.parametrize("page", ["new", "list"])
def test_a_hidden_case_gives_the_same_404_as_the_case_pages(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor, page: str
) -> None:
    # given
    case = open_case(actor=worker)
    outsider = client_for(make_user(org_type=OrgType.NGO))
    name = {"new": "identification:screening_new", "list": "identification:screening_list"}
    missing = "00000000-0000-0000-0000-000000000000"

    # when
    hidden = outsider.get(reverse(name[page], args=[case.id]))
    absent = outsider.get(reverse(name[page], args=[missing]))
    cases_404 = outsider.get(reverse("web:case_detail", args=[case.id]))

    # then
    assert hidden.status_code == absent.status_code == cases_404.status_code == 404
    assert (
        without_csrf_tokens(hidden.content)
        == without_csrf_tokens(absent.content)
        == without_csrf_tokens(cases_404.content)
    )


def test_a_hidden_screening_gives_the_same_404_as_a_missing_one(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    screening = screen(actor=worker, case=open_case(actor=worker))
    outsider = client_for(make_user(org_type=OrgType.NGO))

    # when
    hidden = outsider.get(reverse("identification:screening_detail", args=[screening.id]))
    absent = outsider.get(
        reverse("identification:screening_detail", args=["00000000-0000-0000-0000-000000000000"])
    )

    # then
    assert hidden.status_code == absent.status_code == 404
    assert without_csrf_tokens(hidden.content) == without_csrf_tokens(absent.content)


@pytest.mark.parametrize(
    ("org_type", "expected"), [(OrgType.LABOUR_INSPECTORATE, 200), (OrgType.HEALTH, 403)]
)
@pytest.mark.parametrize("page", ["new", "list", "detail"])
def test_team_members_who_do_not_see_assessments_are_refused_with_the_reason(
    sets: dict[str, IndicatorSet],
    worker: User,
    client_for: ClientFor,
    org_type: str,
    expected: int,
    page: str,
) -> None:
    # given
    case = open_case(actor=worker)
    screening = screen(actor=worker, case=case)
    member = make_user(org_type=org_type)
    add_to_team(case=case, organisation=org_of(member))
    url = {
        "new": reverse("identification:screening_new", args=[case.id]),
        "list": reverse("identification:screening_list", args=[case.id]),
        "detail": reverse("identification:screening_detail", args=[screening.id]),
    }[page]

    # when
    response = client_for(member).get(url)

    # then: the member's agreement (add_to_team's legal-basis default) lets only its
    # type's default groups flow, so health staff are refused and told why and whom to ask
    assert response.status_code == expected
    if expected == 403:
        decision = access_policy.decide(
            user=member,
            case_id=case.id,
            field_group=FieldGroup.ASSESSMENT,
            purpose=Purpose.IDENTIFICATION,
        )
        assert decision.code == "no_agreement"
        assert escape(str(decision.reason)) in response.content.decode()


# --- usable on a phone --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_the_templates_have_no_inline_style_script_or_fixed_width(name: str) -> None:
    # given
    source = (TEMPLATES / name).read_text(encoding="utf-8")

    # then: layout comes from the shared stylesheet, which is single-column on a phone
    assert "style=" not in source
    assert "<style" not in source
    assert "<script" not in source
    assert " on" + "click=" not in source
    assert not re.search(r"\b(width|height)=", source)
    assert "<table" not in source or '<div class="table-wrap">' in source


def test_the_form_page_declares_the_phone_viewport(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # when
    html = client_for(worker).get(new_url(open_case(actor=worker))).content.decode()

    # then
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize("may_screen", [True, False])
def test_the_case_page_partial_links_to_the_screenings_only_when_allowed(
    worker: User, may_screen: bool
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    html = render_to_string(
        "identification/_screening_case_links.html", {"case": case, "may_screen": may_screen}
    )

    # then
    assert (reverse("identification:screening_list", args=[case.id]) in html) is may_screen
    assert (new_url(case) in html) is may_screen


def test_it_offers_a_new_screening_on_the_list_only_where_it_could_be_recorded(
    sets: dict[str, IndicatorSet], client_for: ClientFor
) -> None:
    # given
    supervisor = make_user(org_type=OrgType.NGO, role="supervisor")
    erased = open_case(actor=supervisor)
    kept = open_case(actor=supervisor)
    case_services.person_erase(actor=supervisor, case_id=erased.id)
    client = client_for(supervisor)

    # when
    erased_page = client.get(f"/identification/cases/{erased.id}/screenings/").content.decode()
    kept_page = client.get(f"/identification/cases/{kept.id}/screenings/").content.decode()

    # then
    assert f"/identification/cases/{erased.id}/screening/new/" not in erased_page
    assert f"/identification/cases/{kept.id}/screening/new/" in kept_page


def _row(html: str, code: str) -> str:
    """One indicator's row of the form, from its tick up to its folded note."""
    start = html.index(f'<label for="id_observed_{code}"')
    return html[start : html.index("<details", start)]


def test_r05_the_source_of_each_indicator_is_shown_beside_its_tick_and_not_optional(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(actor=worker)

    # when
    html = client_for(worker).get(new_url(case, "adults_labour")).content.decode()

    # then: beside the tick, not folded into the note's details, never "(optional)"
    row = _row(html, "DR-01")
    assert 'name="source_DR-01"' in row
    assert '<label for="id_source_DR-01">Where does the information on DR-01 come from?' in row
    assert "Required when DR-01 is ticked." in row
    assert "optional" not in row
    assert 'aria-describedby="id_source_DR-01_helptext"' in row
    assert html.count('name="source_') == 67


def test_r06_the_explanation_never_says_one_strong_alone_for_an_element_without_strong(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given: DR has two medium indicators (not positive), CR one strong alone
    case = open_case(actor=worker)
    screening = screen(actor=worker, case=case, codes=("DR-02", "DR-03", "CR-01"))

    # when
    html = (
        client_for(worker)
        .get(reverse("identification:screening_detail", args=[screening.id]))
        .content.decode()
    )

    # then
    def why(code: str) -> str:
        found = re.search(rf'id="element-{code}".*?<p class="why">(.*?)</p>', html, re.S)
        assert found is not None
        return found.group(1)

    assert "strong indicator alone" not in why("DR")
    assert why("DR") == "Not positive: no minimum combination is met (recorded: 2 medium)."
    assert "One strong indicator alone is not enough." in why("CR")
    dr_line = next(line for line in screening.result["explanation"] if line.startswith("DR:"))
    assert "strong indicator alone" not in dr_line
    assert "recorded: 2 medium" in dr_line


# --- the sexual-exploitation sets carry their provisional flag ----------------------

# A girl exploited in prostitution: a deceptive job offer, documents confiscated, clients
# forced on her, made to provide sexual services for money.
SEXUAL_CHILD = ("DR-01", "CD-01", "CD-06", "EXS-01", "EXS-06")


@pytest.mark.parametrize(
    ("age_status", "set_key"),
    [("verified_adult", "adults_sexual"), ("uncertain_presumed_child", "children_sexual")],
)
def test_r05_the_screening_page_offers_the_sexual_set_with_its_provisional_flag(
    sets: dict[str, IndicatorSet],
    worker: User,
    client_for: ClientFor,
    age_status: str,
    set_key: str,
) -> None:
    # given
    case = open_case(
        actor=worker, age_status=age_status, forms=[ExploitationForm.SEXUAL], date_of_birth=None
    )

    # when
    html = client_for(worker).get(new_url(case)).content.decode()

    # then
    assert f'name="set" value="{set_key}"' in html
    assert "Provisional indicator set" in html
    assert "has not yet been checked word for word against its source" in html
    assert 'name="observed_EXS-01"' in html
    assert html.count('<fieldset class="screening-element"') == 6


def test_r05_a_sexual_screening_shows_its_provisional_flag_on_the_detail_and_the_list(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given
    case = open_case(
        actor=worker,
        age_status="uncertain_presumed_child",
        forms=[ExploitationForm.SEXUAL],
        date_of_birth=None,
    )
    screening = screen(
        actor=worker, case=case, set_key="children_sexual", codes=SEXUAL_CHILD, act_established=True
    )
    client = client_for(worker)

    # when
    detail = client.get(reverse("identification:screening_detail", args=[screening.id]))
    listing = client.get(reverse("identification:screening_list", args=[case.id]))

    # then
    detail_html = detail.content.decode()
    assert detail.status_code == 200
    assert screening.indicator_set.key == "children_sexual"
    assert "Provisional indicator set" in detail_html
    assert "children_sexual v1 (provisional)" in listing.content.decode()


def test_a_screening_saved_as_a_draft_is_resumed_by_its_author_only_and_gone_once_recorded(
    sets: dict[str, IndicatorSet], worker: User, client_for: ClientFor
) -> None:
    # given: half the indicators ticked, no source yet (a draft is not validated)
    case = open_case(actor=worker)
    colleague = make_user(organisation=org_of(worker))
    url = new_url(case, "adults_labour")
    code = ADULT_CONSISTENT[0]
    half_done = {
        "set": "adults_labour",
        f"observed_{code}": "on",
        "draft_kind": "screening",
        "draft_path": url,
        "draft_case": str(case.id),
    }
    client = client_for(worker)

    # when
    saved = client.post(reverse("cases:draft_save"), half_done)
    draft = Draft.objects.get()
    resumed = client.get(saved["Location"])
    theirs = client_for(colleague).get(saved["Location"])
    done = client.post(
        url, {"set": "adults_labour", **ticked(*ADULT_CONSISTENT), "draft_id": str(draft.id)}
    )

    # then
    assert saved["Location"] == f"{url}&draft={draft.id}"
    assert re.search(rf'name="observed_{code}"[^>]*checked', resumed.content.decode())
    assert theirs.status_code == 404
    assert done.status_code == 302
    assert not Draft.objects.exists()
