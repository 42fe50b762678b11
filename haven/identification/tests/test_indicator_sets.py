"""Loading indicator sets into the database: versions, all or nothing, who may load
(R-05), and the selectors that read them back."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, Role
from haven.accounts.tests.factories import make_user
from haven.audit.models import AuditEvent
from haven.identification import errors, loader
from haven.identification.models import Indicator, IndicatorSet
from haven.identification.selectors import indicator_sets as selectors
from haven.identification.services import indicator_sets as services
from haven.identification.tests.factories import NATIONAL_FILE as BASE
from haven.identification.tests.factories import load_shipped_sets, text_of

pytestmark = pytest.mark.django_db

SHIPPED_TEXT = loader.SHIPPED_FILE.read_text(encoding="utf-8")


def relabel(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# --- versions -----------------------------------------------------------------------------


def test_it_loads_the_shipped_file_as_version_1_of_four_sets() -> None:
    # when
    results = services.indicator_sets_load_shipped()

    # then
    assert [(r.row.key, r.row.version, r.created) for r in results] == [
        ("adults_labour", 1, True),
        ("children_labour", 1, True),
        ("adults_sexual", 1, True),
        ("children_sexual", 1, True),
    ]
    adults = results[0].row
    assert adults.provisional is True
    assert adults.indicators.count() == 67
    assert adults.source["publisher"].startswith("International Labour Office")
    assert adults.file_name == "ilo-indicators-2009.yaml"
    assert adults.indicators.get(code="CR-01").uncertain is True


def test_reloading_the_same_file_creates_nothing_new() -> None:
    # given
    load_shipped_sets()

    # when
    results = services.indicator_sets_load_shipped()

    # then
    assert [r.outcome for r in results] == [services.Outcome.UNCHANGED] * 4
    assert IndicatorSet.objects.count() == 4
    assert Indicator.objects.count() == 261


def test_a_changed_set_becomes_version_2_and_version_1_is_untouched() -> None:
    # given
    first = load_shipped_sets()
    changed = relabel(SHIPPED_TEXT, "strength: W}", "strength: M}")  # DR-10 of adults_labour

    # when
    results = services.indicator_sets_load(actor=None, text=changed, file_name="ilo-v2.yaml")

    # then
    versions = {r.row.key: (r.row.version, r.created) for r in results}
    assert versions == {
        "adults_labour": (2, True),
        "children_labour": (1, False),
        "adults_sexual": (1, False),
        "children_sexual": (1, False),
    }
    old = IndicatorSet.objects.get(pk=first["adults_labour"].pk)
    assert old.indicators.get(code="DR-10").strength == "W"
    assert old.content_hash == first["adults_labour"].content_hash
    new = IndicatorSet.objects.get(key="adults_labour", version=2)
    assert new.indicators.get(code="DR-10").strength == "M"
    assert new.file_name == "ilo-v2.yaml"


def test_the_file_name_is_kept_without_its_directory() -> None:
    # when
    [loaded] = services.indicator_sets_load(
        actor=None, text=text_of(BASE), file_name="/home/someone/national/lv.yaml"
    )

    # then
    assert loaded.row.file_name == "lv.yaml"


def test_an_invalid_file_loads_nothing_at_all() -> None:
    # given: one good set and one with a bad strength
    data = copy.deepcopy(BASE)
    data["sets"]["children_criminality"] = copy.deepcopy(BASE["sets"]["adults_criminality"])
    data["sets"]["children_criminality"]["indicators"]["EX"][0]["strength"] = "Z"

    # when
    with pytest.raises(errors.IndicatorFileError) as raised:
        services.indicator_sets_load(actor=None, text=text_of(data), file_name="bad.yaml")

    # then
    assert raised.value.code == "indicator_file_invalid"
    assert len(raised.value.problems) == 1
    assert IndicatorSet.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_failure_while_storing_rolls_back_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: the second set fails after the first one was stored
    data = copy.deepcopy(BASE)
    data["sets"]["children_criminality"] = copy.deepcopy(BASE["sets"]["adults_criminality"])
    real_store = services._store
    calls = []

    def failing_store(item: loader.LoadedSet, **kwargs: object) -> tuple[IndicatorSet, str | None]:
        calls.append(item.key)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_store(item, **kwargs)  # type: ignore[arg-type]  # the same keywords

    monkeypatch.setattr(services, "_store", failing_store)

    # when
    with pytest.raises(RuntimeError):
        services.indicator_sets_load(actor=None, text=text_of(data), file_name="n.yaml")

    # then
    assert calls == ["adults_criminality", "children_criminality"]
    assert IndicatorSet.objects.count() == 0


def test_loading_records_who_loaded_each_new_version_in_the_audit_trail() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN)

    # when
    [loaded] = services.indicator_sets_load(actor=admin, text=text_of(BASE), file_name="lv.yaml")
    services.indicator_sets_load(actor=admin, text=text_of(BASE), file_name="lv.yaml")

    # then
    [event] = AuditEvent.objects.all()
    assert event.actor_id == admin.pk
    assert event.object_type == "identification.IndicatorSet"
    assert event.object_id == str(loaded.row.pk)
    assert event.person_id == ""
    assert event.detail == {"file": "lv.yaml", "set": "adults_criminality", "version": 1}
    assert loaded.row.loaded_by == admin


# --- who may load -------------------------------------------------------------------------

LOADERS = [
    (OrgType.NGO, Role.SYSTEM_ADMIN, True),
    (OrgType.NATIONAL_COORDINATOR, Role.SUPERVISOR, True),
    (OrgType.NATIONAL_COORDINATOR, Role.ORG_ADMIN, True),
    (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, False),
    (OrgType.NATIONAL_COORDINATOR, Role.RAPPORTEUR, False),
    (OrgType.NGO, Role.SUPERVISOR, False),
    (OrgType.NGO, Role.ORG_ADMIN, False),
    (OrgType.POLICE, Role.SUPERVISOR, False),
]


@pytest.mark.parametrize(("org_type", "role", "allowed"), LOADERS)
def test_only_system_admins_and_the_national_coordinators_supervisors_may_load(
    org_type: str, role: str, allowed: bool
) -> None:
    # given
    user = make_user(org_type=org_type, role=role)

    # when
    try:
        services.indicator_sets_load(actor=user, text=text_of(BASE), file_name="lv.yaml")
    except errors.IndicatorSetLoadNotAllowed as refused:
        outcome = refused.code
    else:
        outcome = "loaded"

    # then
    assert outcome == ("loaded" if allowed else "indicator_set_load_not_allowed")
    assert IndicatorSet.objects.exists() is allowed


def test_an_inactive_system_admin_may_not_load() -> None:
    # given
    admin = make_user(role=Role.SYSTEM_ADMIN, is_active=False)

    # when / then
    assert selectors.may_load_indicator_sets(admin) is False


def test_a_coordinator_role_without_an_organisation_may_not_load() -> None:
    # given
    user = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)
    user.organisation = None

    # when / then
    assert selectors.may_load_indicator_sets(user) is False


# --- selectors ----------------------------------------------------------------------------


def test_the_latest_list_shows_each_set_once_with_its_indicator_count(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    load_shipped_sets()
    services.indicator_sets_load(
        actor=None,
        text=relabel(SHIPPED_TEXT, "strength: W}", "strength: M}"),
        file_name="v2.yaml",
    )

    # when
    with django_assert_num_queries(1):
        rows = [
            (s.key, s.version, s.indicator_count) for s in selectors.indicator_set_list_latest()
        ]

    # then
    assert rows == [
        ("adults_labour", 2, 67),
        ("adults_sexual", 1, 64),
        ("children_labour", 1, 65),
        ("children_sexual", 1, 65),
    ]


def test_the_full_list_shows_every_version_and_which_is_latest() -> None:
    # given
    load_shipped_sets()
    services.indicator_sets_load(
        actor=None,
        text=relabel(SHIPPED_TEXT, "strength: W}", "strength: M}"),
        file_name="v2.yaml",
    )

    # when
    rows = [(s.key, s.version, s.latest_version) for s in selectors.indicator_set_list()]

    # then
    assert rows[:2] == [("adults_labour", 2, 2), ("adults_labour", 1, 2)]
    assert len(rows) == 5


def test_a_stored_set_gives_back_the_definition_it_was_loaded_from(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    load_shipped_sets()
    from_file = {s.key: s.definition for s in loader.load_shipped()}

    # when
    with django_assert_num_queries(2):
        stored = selectors.indicator_set_get(key="children_labour")
        definition = selectors.set_def_for(stored)

    # then
    assert definition == replace(from_file["children_labour"], version=1)


def test_it_gets_a_given_version_and_refuses_a_missing_one() -> None:
    # given
    load_shipped_sets()

    # when
    found = selectors.indicator_set_get(key="adults_labour", version=1)
    with pytest.raises(errors.IndicatorSetNotFound) as missing:
        selectors.indicator_set_get(key="adults_labour", version=2)
    with pytest.raises(errors.IndicatorSetNotFound):
        selectors.indicator_set_get(key="elderly_labour")

    # then
    assert found.version == 1
    assert missing.value.code == "indicator_set_not_found"


def test_it_groups_indicators_under_their_elements_in_order() -> None:
    # given
    sets = load_shipped_sets()

    # when
    groups = selectors.indicators_by_element(selectors.indicator_set_get(key="adults_labour"))
    sexual = selectors.indicators_by_element(sets["adults_sexual"])

    # then
    assert [(g.code, len(g.indicators)) for g in groups] == [
        ("DR", 10),
        ("CR", 10),
        ("RV", 16),
        ("EX", 9),
        ("CD", 15),
        ("VD", 7),
    ]
    assert groups[0].name == (  # the file's own name, shown in the reader's language
        "Deceptive recruitment (deception during recruitment, transfer and transportation)"
    )
    assert [(g.code, len(g.indicators)) for g in sexual] == [
        ("DR", 10),
        ("CR", 10),
        ("RV", 16),
        ("EX", 6),
        ("CD", 15),
        ("VD", 7),
    ]


def test_a_national_element_code_is_shown_as_it_is() -> None:
    # then
    assert selectors.element_name("ZX") == "ZX"
    assert selectors.strength_label("S") == "strong"
    assert selectors.strength_label("Q") == "Q"


def test_the_source_is_shown_with_title_publisher_year_and_url() -> None:
    # given
    sets = load_shipped_sets()

    # when
    source = selectors.source_view(sets["adults_labour"].source)
    bare = selectors.source_view({"title": "A national list", "url": "https://example.org/x"})

    # then
    assert source.year == "2009"
    assert source.url.startswith("https://www.ilo.org/")
    assert source.title.startswith("Operational indicators of trafficking")
    assert (bare.url, bare.publisher) == ("https://example.org/x", "")
