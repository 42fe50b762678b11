"""The map of the Baltic Sea region states on the exchange page (issue 15): each state's
figure of a year from its own release, drawn on the server as SVG, with the same
numbers in the table beside it and in a CSV."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import OrganisationFactory, make_user
from haven.audit.models import Action, AuditEvent
from haven.statistics import maps
from haven.statistics import selectors_exchange as selectors
from haven.statistics.exchange import Cell, RegionalRelease
from haven.statistics.models import ImportedRelease
from haven.statistics.selectors_exchange import FigureStatus, StateFigure
from haven.statistics.tests.exchange_factories import coordinator, rapporteur, registered_case
from haven.web.tests.factories import sign_in

HOME = reverse("statistics_exchange:home")
MAP_CSV = reverse("statistics_exchange:regional_map_csv")
SVG = "{http://www.w3.org/2000/svg}"


def _release(sender: str, cells: dict[Cell, int | None]) -> RegionalRelease:
    return RegionalRelease(
        sender=sender, created_at="2026-01-01T00:00:00Z", threshold=5, cells=cells
    )


# --- the figures of a year ----------------------------------------------------------------


def test_r45_each_state_s_figure_of_the_year_says_how_it_stands() -> None:
    # given: EE (own) all suppressed, LV a lower bound, FI published, SE nothing in
    # 2024, US a state outside the region; no release from the others
    own = _release("EE", {("2024", "male", "adult", "other"): None})
    imported = [
        _release(
            "LV",
            {("2024", "male", "adult", "other"): 6, ("2024", "female", "adult", "other"): None},
        ),
        _release(
            "FI", {("2024", "female", "adult", "sexual"): 9, ("2023", "male", "child", "labour"): 5}
        ),
        _release("SE", {("2023", "female", "adult", "sexual"): 7}),
        _release("US", {("2024", "female", "adult", "sexual"): 11}),
    ]
    trends = selectors.regional_trends(own=own, imported=imported)

    # when
    figures = {f.state: f for f in selectors.year_figures(trends, year=2024)}

    # then
    assert [f.state for f in selectors.year_figures(trends, year=2024)] == [
        *selectors.BALTIC_STATES,
        "US",
    ]
    assert figures["EE"] == StateFigure("EE", None, FigureStatus.SUPPRESSED)
    assert figures["LV"] == StateFigure("LV", 6, FigureStatus.LOWER_BOUND)
    assert figures["FI"] == StateFigure("FI", 9, FigureStatus.PUBLISHED)
    assert figures["SE"] == StateFigure("SE", None, FigureStatus.NO_FIGURE)
    assert figures["PL"] == StateFigure("PL", None, FigureStatus.NO_RELEASE)
    assert figures["US"] == StateFigure("US", 11, FigureStatus.PUBLISHED)
    # a year no release covers: every state that sent one has no figure for it
    none = selectors.year_figures(trends, year=2019)
    assert {f.status for f in none if f.state in trends.states} == {FigureStatus.NO_FIGURE}


@pytest.mark.parametrize(
    ("peak", "highs"),
    [(None, [1, 2, 3, 4]), (7, [2, 4, 6, 8]), (40, [10, 20, 30, 40]), (388, [100, 200, 300, 400])],
)
def test_the_map_has_four_classes_of_equal_width_reaching_the_largest_figure(
    peak: int | None, highs: list[int]
) -> None:
    figures = [
        StateFigure("DE", peak, FigureStatus.PUBLISHED),
        StateFigure("DK", None, "no_release"),
    ]

    scale = maps.classes(figures)

    assert [c.high for c in scale] == highs
    assert [c.low for c in scale] == [0, *(h + 1 for h in highs[:-1])]
    assert len({c.colour for c in scale}) == 4
    if peak is not None:
        assert maps.class_of(peak, scale) == scale[-1]
        assert maps.class_of(0, scale) == scale[0]


def test_the_outlines_cover_every_state_of_the_region_and_name_their_source() -> None:
    data = maps.outlines()

    assert sorted(data["states"]) == sorted(selectors.BALTIC_STATES)
    assert all(re.fullmatch(r"(M[-\d. ]+Z)+", s["d"]) for s in data["states"].values())
    assert "Natural Earth" in data["source"] and "public domain" in data["source"]
    for outline in data["states"].values():
        x, y = outline["label"]
        assert 0 <= x <= data["width"] and 0 <= y <= data["height"]


def test_a_state_without_outline_is_left_off_the_map_but_not_off_the_table() -> None:
    figures = [StateFigure("EE", 12, FigureStatus.PUBLISHED), StateFigure("US", 7, "published")]

    with translation.override("en"):
        drawn = maps.baltic_map(figures, year=2024)
        rows = maps.figure_rows(figures, year=2024)

    assert [s.code for s in drawn.states] == ["EE"]
    assert drawn.states[0].title == "Estonia: 12"
    assert [(r.name, r.figure) for r in rows] == [("Estonia", 12), ("United States", 7)]


# --- the page ------------------------------------------------------------------------------


def _import(country: str, sender: str, cells: list[list[object]]) -> None:
    importer = rapporteur(country)
    ImportedRelease.objects.create(
        country=country,
        sender=sender,
        created_at="2026-01-01T00:00:00Z",
        threshold=5,
        cells=cells,
        digest=sender.ljust(64, "0"),
        imported_at=datetime(2026, 1, 2, tzinfo=UTC),
        imported_by=importer,
    )


@pytest.fixture
def region() -> None:
    """EE's own register (six victims of 2024 and one alone in a cell) beside the
    releases of LV (a lower bound), FI (published) and PL (every cell suppressed)."""
    ngo = OrganisationFactory.create(org_type=OrgType.NGO, country="EE")
    decider = make_user(organisation=ngo)
    for _ in range(6):
        registered_case(lead=ngo, decider=decider, birth_year=1990)
    registered_case(lead=ngo, decider=decider, sex="male", birth_year=1990)
    _import(
        "EE",
        "LV",
        [["2024", "male", "adult", "other", 6], ["2024", "female", "adult", "other", None]],
    )
    _import(
        "EE",
        "FI",
        [["2024", "female", "adult", "sexual", 140], ["2024", "male", "adult", "labour", 95]],
    )
    _import("EE", "PL", [["2024", "male", "adult", "labour", None]])


def _map_svg(content: str) -> ET.Element:
    """The map's SVG, parsed as XML: it must be well-formed."""
    start = content.index('<figure class="map">')
    svg = content[content.index("<svg", start) : content.index("</svg>", start) + len("</svg>")]
    return ET.fromstring(svg)  # noqa: S314 - our own page, in a test


def _table(content: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(
        r'<tr data-state="(\w\w)">\s*<th[^>]*>[^<]*</th>\s*'
        r"<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>",
        content,
    )
    return {state: (figure, note) for state, figure, note in rows}


@pytest.mark.django_db
@pytest.mark.usefixtures("region")
def test_r45_the_map_s_numbers_are_the_table_s_and_missing_states_are_shown_as_such(
    client: Client,
) -> None:
    # given
    sign_in(client, rapporteur())

    # when
    with translation.override("en"):
        page = client.get(HOME, {"year": 2024})
    content = page.content.decode()

    # then: a well-formed SVG, a figure with a title and alternative text
    assert page.status_code == 200
    svg = _map_svg(content)
    assert svg.get("role") == "img"
    assert svg.findtext(f"{SVG}title") == (
        "Registered victims by form of exploitation in the Baltic Sea region states, 2024"
    )
    assert svg.findtext(f"{SVG}desc")
    paths = {p.get("data-state", ""): p for p in svg.iter(f"{SVG}path") if p.get("data-state")}
    assert sorted(paths) == sorted(selectors.BALTIC_STATES)
    titles = {state: p.findtext(f"{SVG}title") for state, p in paths.items()}
    assert titles["FI"] == "Finland: 235"
    assert titles["LV"] == "Latvia: at least 6 (some cells too small to publish)"
    assert titles["PL"] == "Poland: suppressed (too few to publish)"
    assert titles["DK"] == "Denmark: no release received"
    # EE's own release: six women (published), one man (suppressed)
    assert titles["EE"] == "Estonia: at least 6 (some cells too small to publish)"
    printed = {t.get("data-state"): t.text for t in svg.iter(f"{SVG}text") if t.get("data-state")}
    assert printed == {"FI": "235", "LV": "≥ 6", "EE": "≥ 6"}
    assert paths["PL"].get("fill") == "url(#regional-map-suppressed)"
    assert paths["DK"].get("fill") == "url(#regional-map-missing)"
    assert paths["FI"].get("fill") == maps.CLASS_COLOURS[2]  # 201-300 of 0-400
    # the table holds the same numbers
    table = _table(content)
    assert {s: f for s, (f, _) in table.items() if f != "—"} == printed | {"LV": "6", "EE": "6"}
    assert table["PL"] == ("—", "suppressed (too few to publish)")
    assert table["DK"] == ("—", "no release received")
    assert "style=" not in content[content.index('<figure class="map">') :].split("</figure>")[0]


@pytest.mark.django_db
@pytest.mark.usefixtures("region")
def test_r45_another_year_is_chosen_on_the_page(client: Client) -> None:
    sign_in(client, rapporteur())

    with translation.override("en"):
        page = client.get(HOME, {"year": 2023})

    titles = [t.text for t in _map_svg(page.content.decode()).iter(f"{SVG}title")]
    assert "Finland: no figure for 2023 in its release" in titles
    assert "Estonia: no figure for 2023 in its release" in titles


USERS: dict[str, Callable[[], User]] = {
    "rapporteur": rapporteur,
    "coordinator": coordinator,
    "ngo": lambda: make_user(org_type=OrgType.NGO),
    "other country's rapporteur": lambda: rapporteur("LV"),
}


@pytest.mark.django_db
@pytest.mark.usefixtures("region")
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("rapporteur", True), ("coordinator", True), ("ngo", False)],
)
def test_r41_the_map_and_its_csv_are_shown_only_to_the_statistics_readers(
    client: Client, who: str, allowed: bool
) -> None:
    # given: the same register and releases for each user
    sign_in(client, USERS[who]())

    # when
    with translation.override("en"):
        page = client.get(HOME, {"year": 2024})
        download = client.get(MAP_CSV, {"year": 2024})

    # then
    events = AuditEvent.objects.filter(
        action=Action.EXCHANGE_EXPORT, object_type="statistics.regional_map"
    )
    if not allowed:
        assert (page.status_code, download.status_code) == (403, 403)
        assert b'<figure class="map">' not in page.content
        assert b"regional/map.csv" not in page.content
        assert not events.exists()
        return
    assert page.status_code == download.status_code == 200
    assert b'<figure class="map">' in page.content
    assert f'{MAP_CSV}?year=2024"'.encode() in page.content
    assert download["Content-Disposition"] == 'attachment; filename="regional-map-2024.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["state", "year", "registered_victims", "status"]
    assert rows[1:] == [
        ["DE", "2024", "", "no_release"],
        ["DK", "2024", "", "no_release"],
        ["EE", "2024", "6", "lower_bound"],
        ["FI", "2024", "235", "published"],
        ["IS", "2024", "", "no_release"],
        ["LT", "2024", "", "no_release"],
        ["LV", "2024", "6", "lower_bound"],
        ["NO", "2024", "", "no_release"],
        ["PL", "2024", "", "suppressed"],
        ["SE", "2024", "", "no_release"],
    ]
    # the CSV's numbers are the map's
    printed = {
        t.get("data-state"): t.text
        for t in _map_svg(page.content.decode()).iter(f"{SVG}text")
        if t.get("data-state")
    }
    assert {r[0]: r[2] for r in rows[1:] if r[2]} == {
        s: (v or "").removeprefix("≥ ") for s, v in printed.items()
    }
    event = events.get()
    assert event.detail == {
        "kind": "regional_map",
        "year": 2024,
        "format": "csv",
        "states": 10,
    }


@pytest.mark.django_db
def test_r41_a_reader_of_another_country_sees_only_their_own_releases(client: Client) -> None:
    # given: FI's release imported in EE only
    _import("EE", "FI", [["2024", "female", "adult", "sexual", 140]])
    sign_in(client, rapporteur("LV"))

    with translation.override("en"):
        download = client.get(MAP_CSV, {"year": 2024})

    rows = {r[0]: r[3] for r in csv.reader(io.StringIO(download.content.decode()))}
    assert rows["FI"] == "no_release"
    assert rows["LV"] == "no_figure"
