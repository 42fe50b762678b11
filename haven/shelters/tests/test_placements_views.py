"""The placement pages through the test client: "Find a place" for the case lead's
staff only (the link and the refusal), the search with reasons, a forged proposal
to an excluded place refused beside its field, the shelter's requests and its
answers (here and on the generic referral page), and the case page's "Safe
accommodation": the place named only to readers of the location group."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import add_to_team
from haven.referrals.models import ReferralState
from haven.shelters.models import Bed, Placement, PlacementState
from haven.shelters.services import placements as services
from haven.shelters.tests.test_placements_services import (
    PlacementSetup,
    place,
    placement_setup,
    propose,
    started,
)
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _police(s: PlacementSetup) -> User:
    """A police officer on the case team, without the location group."""
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=s.case, organisation=police.organisation)
    return police


def _proposal(s: PlacementSetup, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "place": str(s.place.pk),
        "risk_level": "1",
        "person_agreed_on": timezone.localdate().isoformat(),
        "field_groups": ["identity", "contact", "health", "location"],
        "message": "She needs a safe bed tonight.",
    }
    data.update(changes)
    return data


def test_find_a_place_is_offered_and_served_to_the_case_lead_only() -> None:
    # given
    s = placement_setup()
    police = _police(s)
    case_url = reverse("web:case_detail", args=[s.case.id])
    search_url = reverse("shelters_placements:placement_search", args=[s.case.id])

    # when
    lead_page = client_for(s.lead).get(case_url).content.decode()
    police_page = client_for(police).get(case_url).content.decode()

    # then: one rule for the link and the page
    assert search_url in lead_page
    assert search_url not in police_page
    assert client_for(s.lead).get(search_url).status_code == 200
    assert client_for(police).get(search_url).status_code == 403
    assert client_for(s.other).get(search_url).status_code == 404


def test_the_search_page_ranks_places_and_shows_every_reason_without_an_address() -> None:
    # given
    s = placement_setup()
    place(s.shelter, name="Men only", accepts=["men"])
    url = reverse("shelters_placements:placement_search", args=[s.case.id])

    # when
    page = client_for(s.lead).get(url, {"risk_level": "1", "danger_region": "Uusimaa"})

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "Harbour House" in html and "Men only" in html
    assert "does not take in people of this gender" in html
    assert "Secret street" not in html and "60.17" not in html
    assert reverse("shelters_placements:placement_propose", args=[s.case.id]) in html


def test_the_search_page_shows_an_unknown_region_beside_its_field() -> None:
    s = placement_setup()
    url = reverse("shelters_placements:placement_search", args=[s.case.id])
    page = client_for(s.lead).get(url, {"risk_level": "1", "danger_region": "Atlantis"})
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()


def test_the_search_page_costs_the_same_queries_whatever_the_number_of_places() -> None:
    # given
    s = placement_setup()
    url = reverse("shelters_placements:placement_search", args=[s.case.id])
    client = client_for(s.lead)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"risk_level": "2"}).status_code == 200
        return len(queries)

    # when
    few = count()
    for n in range(8):
        place(s.shelter, name=f"Place {n}")

    # then
    assert count() == few


def test_a_forged_proposal_to_an_excluded_place_is_refused_beside_the_field() -> None:
    # given: a place that does not take women, posted by hand
    s = placement_setup()
    excluded = place(s.shelter, name="Men only", accepts=["men"])
    url = reverse("shelters_placements:placement_propose", args=[s.case.id])

    # when
    form = client_for(s.lead).get(url, {"place": str(excluded.pk), "risk_level": "1"})
    posted = client_for(s.lead).post(url, _proposal(s, place=str(excluded.pk)))

    # then
    assert "not among the suitable places" in form.content.decode()
    assert posted.status_code == 400
    assert "does not take in people of this gender" in posted.content.decode()
    assert not Placement.objects.exists()


def test_a_proposal_is_sent_and_lands_in_the_shelters_requests() -> None:
    # given
    s = placement_setup()
    url = reverse("shelters_placements:placement_propose", args=[s.case.id])
    form = client_for(s.lead).get(url, {"place": str(s.place.pk), "risk_level": "1"})

    # when
    posted = client_for(s.lead).post(url, _proposal(s))
    requests = client_for(s.staff).get(reverse("shelters_placements:placement_requests"))
    others = client_for(s.other).get(reverse("shelters_placements:placement_requests"))

    # then
    placement = Placement.objects.get()
    assert form.status_code == 200 and "Harbour House" in form.content.decode()
    assert posted.status_code == 302
    assert posted["Location"] == reverse(
        "shelters_placements:placement_detail", args=[placement.pk]
    )
    assert s.case.reference in requests.content.decode()
    assert s.case.reference not in others.content.decode()
    assert client_for(s.lead).post(url, {"place": "x"}).status_code == 400


def test_the_shelter_accepts_starts_and_the_lead_ends_from_the_placement_page() -> None:
    # given
    s = placement_setup()
    placement = propose(s)
    detail = reverse("shelters_placements:placement_detail", args=[placement.pk])

    def act(user: User, action: str, data: dict[str, object] | None = None) -> int:
        url = reverse("shelters_placements:placement_act", args=[placement.pk, action])
        return client_for(user).post(url, data or {}).status_code

    # when / then: the lead cannot accept; the shelter can
    assert "Accept: take the person in" not in client_for(s.lead).get(detail).content.decode()
    assert "Accept: take the person in" in client_for(s.staff).get(detail).content.decode()
    assert act(s.lead, "accept") == 403  # refused by the rule that hid the form
    assert act(s.staff, "accept") == 302
    bed = Bed.objects.filter(room__place=s.place).first()
    assert bed is not None
    today = timezone.localdate().isoformat()
    assert act(s.staff, "start", {"bed": "999999", "started_on": today}) == 400
    assert act(s.staff, "start", {"bed": str(bed.pk), "started_on": today}) == 302
    assert act(s.lead, "end", {"reason": "moved_on", "ended_on": "2000-01-01"}) == 400
    assert act(s.lead, "end", {"reason": "moved_on", "ended_on": today}) == 302
    placement.refresh_from_db()
    assert placement.state == PlacementState.ENDED
    assert client_for(s.other).get(detail).status_code == 404
    bad = reverse("shelters_placements:placement_act", args=[placement.pk, "teleport"])
    assert client_for(s.staff).post(bad).status_code == 404


def test_decline_and_withdraw_from_the_placement_page() -> None:
    s = placement_setup()
    first = propose(s)
    url = reverse("shelters_placements:placement_act", args=[first.pk, "decline"])
    assert client_for(s.staff).post(url, {"reason": "other", "note": ""}).status_code == 400
    assert client_for(s.staff).post(url, {"reason": "no_capacity"}).status_code == 302
    second = propose(s)
    url = reverse("shelters_placements:placement_act", args=[second.pk, "withdraw"])
    assert client_for(s.lead).post(url, {"note": "She found family."}).status_code == 302
    second.refresh_from_db()
    assert second.state == PlacementState.WITHDRAWN


def test_a_shelter_accepting_on_the_generic_referral_page_moves_the_placement() -> None:
    # given
    s = placement_setup()
    placement = propose(s)
    assert placement.referral is not None
    url = reverse("referrals:referral_act", args=[placement.referral.pk, "accept"])

    # when
    posted = client_for(s.staff).post(url)

    # then
    placement.refresh_from_db()
    placement.referral.refresh_from_db()
    assert posted.status_code == 302
    assert placement.referral.state == ReferralState.ACCEPTED
    assert placement.state == PlacementState.ACCEPTED


def test_the_case_page_names_the_place_only_to_readers_of_the_location_group() -> None:
    # given: the person lives at the shelter; a police officer is on the team
    s = placement_setup()
    started(s)
    police = _police(s)
    url = reverse("web:case_detail", args=[s.case.id])

    # when
    lead_page = client_for(s.lead).get(url).content.decode()
    police_page = client_for(police).get(url).content.decode()

    # then
    assert "Safe accommodation" in lead_page and "Harbour House" in lead_page
    assert "The person has a place in safe accommodation." in police_page
    assert "Harbour House" not in police_page
    assert "Secret street" not in police_page and "Secret street" not in lead_page


def test_the_case_page_says_a_place_was_requested_without_naming_it() -> None:
    s = placement_setup()
    propose(s)
    police = _police(s)
    page = client_for(police).get(reverse("web:case_detail", args=[s.case.id])).content.decode()
    assert "A place in safe accommodation has been requested" in page
    assert "Harbour House" not in page


def test_the_placement_ending_leaves_the_shelter_on_the_team_and_the_page_says_so() -> None:
    s = placement_setup()
    placement = started(s)
    services.placement_end(
        actor=s.staff, placement_id=placement.pk, reason="moved_on", ended_on=timezone.localdate()
    )
    police = _police(s)
    page = client_for(police).get(reverse("web:case_detail", args=[s.case.id])).content.decode()
    assert "no current place in safe accommodation" in page


def test_a_long_list_of_requests_has_pages_that_keep_the_state_asked() -> None:
    # given: one request waiting for an answer, then 26 (a page holds 25)
    from haven.shelters.tests.test_placements_selectors import _requests

    s = placement_setup()
    url = reverse("shelters_placements:placement_requests")
    made = _requests(s, 1)
    alone = client_for(s.staff).get(url).content.decode()
    made += _requests(s, 25)
    # when
    first = client_for(s.staff).get(url, {"state": "proposed"}).content.decode()
    second = client_for(s.staff).get(url, {"state": "proposed", "page": "2"}).content.decode()
    # then: the oldest request alone on the second page
    assert made[0].case.reference not in first and made[0].case.reference in second
    assert made[-1].case.reference in first
    assert 'href="?state=proposed&amp;page=2" rel="next"' in first
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert 'class="pagination"' not in alone
