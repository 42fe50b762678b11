"""The perpetrators dashboard (issue 15 with issue 17's parties, R-44, R-38):
suspects, prosecuted, convicted and users of a victim's services by sex, and
employers by ISIC section, of the reader's country only, agree with the parties
linked; small counts are suppressed with what reveals them; the statistics rule
decides on the page, the file and the API; no party is ever named."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.models import Case
from haven.cases.tests.factories import add_to_team, open_case
from haven.cases.tests.test_api import api_client_for
from haven.justice import services_parties as services
from haven.justice.models import IsicSection, PartyKind, PartyRole, PartySex
from haven.statistics import errors
from haven.statistics import selectors_dashboards as dash
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

IN_2025 = datetime(2025, 5, 4, 10, tzinfo=UTC)
PAGE = reverse("statistics:perpetrators") + "?year=2025"
FILE = reverse("statistics:perpetrators_csv") + "?year=2025"
API = "/api/v1/statistics/perpetrators/?year=2025"


def _case_with_police(country: str = "FI") -> tuple[Case, User]:
    lead = make_user(org_type=OrgType.NGO)
    if country != "FI":
        assert lead.organisation is not None
        lead.organisation.country = country
        lead.organisation.save()
    case = open_case(actor=lead)
    police = make_user(org_type=OrgType.POLICE)
    assert police.organisation is not None
    add_to_team(case=case, organisation=police.organisation)
    return case, police


def _link(case: Case, police: User, name: str, roles: Sequence[str], **party: Any) -> None:
    sex = party.pop("sex", PartySex.UNKNOWN)
    services.party_link_create(
        actor=police,
        case_id=case.id,
        link=services.LinkInput(roles=list(roles), sex=sex),
        new_party=services.PartyInput(kind=party.pop("kind", PartyKind.PERSON), name=name, **party),
    )


def _register() -> None:
    """In 2025 in Finland: 6 male suspects (2 of them prosecuted), 1 female user of a
    victim's services, 6 farm employers and 1 construction employer; in Estonia, 3
    suspects that a Finnish reader never counts."""
    with time_machine.travel(IN_2025, tick=False):
        case, police = _case_with_police()
        for n in range(6):
            roles = [PartyRole.SUSPECT, PartyRole.PROSECUTED] if n < 2 else [PartyRole.SUSPECT]
            _link(case, police, f"Suspect {n}", roles, sex=PartySex.MALE)
        _link(case, police, "Client", [PartyRole.USER], sex=PartySex.FEMALE)
        for n in range(6):
            _link(
                case,
                police,
                f"Farm {n}",
                [PartyRole.EMPLOYER],
                kind=PartyKind.COMPANY,
                sector=IsicSection.A,
            )
        _link(case, police, "Builder", [PartyRole.EMPLOYER], kind=PartyKind.COMPANY, sector="F")
        estonian, police_ee = _case_with_police("EE")
        for n in range(3):
            _link(estonian, police_ee, f"Abroad {n}", [PartyRole.SUSPECT], sex=PartySex.MALE)


def _rapporteur() -> User:
    return make_user(org_type=OrgType.RAPPORTEUR, role=Role.RAPPORTEUR)


@override_settings(HAVEN_STATISTICS_SMALL_CELL_THRESHOLD=1)
def test_r44_perpetrators_agree_with_the_parties_linked_in_the_readers_country() -> None:
    # given
    _register()

    # when
    found = dash.perpetrators(user=_rapporteur(), year=2025, output="page")

    # then: Estonia's three suspects are not Finland's
    assert found.by_role.value(PartyRole.SUSPECT, "male") == 6
    assert found.by_role.value(PartyRole.PROSECUTED, "male") == 2
    assert found.by_role.value(PartyRole.USER, "female") == 1
    assert found.by_role.value(PartyRole.CONVICTED, "total") == 0
    assert found.sectors.rows == ["A", "F", "total"]
    assert found.sectors.value("A", "employers") == 6
    assert found.sectors.value("total", "total") == 7


def test_r46_small_counts_of_perpetrators_are_suppressed_with_what_reveals_them() -> None:
    # given
    _register()

    # when
    found = dash.perpetrators(user=_rapporteur(), year=2025, output="page")

    # then: six suspects are shown; two prosecuted, one user and one builder are not
    assert found.by_role.value(PartyRole.SUSPECT, "male") == 6
    assert found.by_role.value(PartyRole.PROSECUTED, "male") is None
    assert found.by_role.value(PartyRole.USER, "female") is None
    assert found.sectors.value("F", "employers") is None
    assert found.sectors.value("A", "employers") is None  # else total minus A gives F


def test_r41_only_the_statistics_readers_see_perpetrators_on_every_door() -> None:
    # given
    _register()
    caseworker = make_user(org_type=OrgType.NGO)

    # when
    with pytest.raises(errors.StatisticsNotAllowed):
        dash.perpetrators(user=caseworker, year=2025, output="page")
    rapporteur = _rapporteur()
    pages = [sign_in(Client(), u).get(PAGE) for u in (rapporteur, caseworker)]
    files = [sign_in(Client(), u).get(FILE) for u in (rapporteur, caseworker)]
    apis = [  # each API reader signs in once (a one-time code is not replayed)
        api_client_for(make_user(org_type=t)).get(API)
        for t in (OrgType.NATIONAL_COORDINATOR, OrgType.POLICE)
    ]

    # then
    assert [r.status_code for r in pages + files + apis] == [200, 403] * 3
    html = pages[0].content.decode()
    assert '<svg role="img" aria-labelledby="perpetrators-chart-title' in html
    assert "<caption>" in html and FILE in html
    assert "Suspect 0" not in html and "Farm 0" not in html
    rows = list(csv.DictReader(io.StringIO(files[0].content.decode())))
    assert {r["table"] for r in rows} == {"by_role", "employer_sectors"}
    assert apis[0].json()["year"] == 2025
    assert any(c["count"] is None for c in apis[0].json()["cells"])
    events = AuditEvent.objects.filter(
        action=Action.STATISTICS_EXPORT, object_type="statistics.perpetrators"
    )
    assert sorted(e.detail["format"] for e in events) == ["api", "csv", "page"]


def test_r44_perpetrators_are_read_in_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
) -> None:
    # given: whatever the number of parties
    _register()
    user = _rapporteur()

    # then: the links with their parties, and the audit event (in its savepoint)
    with django_assert_num_queries(4):
        dash.perpetrators(user=user, year=2025, output="page")
