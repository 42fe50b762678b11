"""The service directory's services and selectors (issue 6): only an organisation's
own administrator writes its entries; search by need, place, language and target
group; entries not confirmed for HAVEN_DIRECTORY_STALE_DAYS are marked stale."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pytest_django import Settings

from haven.accounts.models import Organisation, OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.assistance.catalogue import ServiceType
from haven.assistance.tests import test_assessments_locking as locking_tests
from haven.audit.models import AuditEvent
from haven.lib.errors import EditConflict, HavenError
from haven.referrals.models import DirectoryEntry, TargetGroup
from haven.referrals.selectors import directory as selectors
from haven.referrals.services import directory as services

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def entry_input(**changes: Any) -> services.EntryInput:
    values: dict[str, Any] = {
        "service_type": ServiceType.ACCOMMODATION,
        "title": "Safe house",
        "region": "Uusimaa",
        "languages": ["fi", "en"],
        "target_groups": [TargetGroup.WOMEN],
        "hours": "Around the clock",
        "emergency_contact": "+358 9 000 0000",
        "capacity_notes": "Four places",
    }
    values.update(changes)
    return services.EntryInput(**values)


def admin_of(org_type: str = OrgType.SHELTER) -> User:
    return make_user(org_type=org_type, role=Role.ORG_ADMIN)


def add(admin: User, **changes: Any) -> DirectoryEntry:
    return services.directory_entry_create(actor=admin, data=entry_input(**changes))


def search(**filters: Any) -> list[str]:
    values: dict[str, Any] = {"need": None, "region": None, "language": None, "target_group": None}
    values.update(filters)
    return [row.entry.title for row in selectors.directory_search(**values)]


def org(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


# --- writes ---------------------------------------------------------------------------------


def test_it_records_an_entry_confirmed_and_audited_without_a_person() -> None:
    # given
    admin = admin_of()
    # when
    with time_machine.travel(NOON, tick=False):
        entry = add(admin, languages=["ru", "fi", "ru"], target_groups=["children", "women"])
    # then
    assert (entry.organisation_id, entry.confirmed_at, entry.confirmed_by) == (
        org(admin).pk,
        NOON,
        admin,
    )
    assert entry.languages == ["fi", "ru"]
    assert entry.target_groups == ["women", "children"]  # the list's own order
    event = AuditEvent.objects.get(object_id=str(entry.id))
    assert (event.object_type, event.action, event.person_id) == (
        "referrals.DirectoryEntry",
        "create",
        "",
    )


WRITES: dict[str, Callable[[User, DirectoryEntry], object]] = {
    "update": lambda actor, entry: services.directory_entry_update(
        actor=actor, entry_id=entry.id, data=entry_input(title="Renamed"), version=1
    ),
    "confirm": lambda actor, entry: services.directory_entry_confirm(
        actor=actor, entry_id=entry.id
    ),
    "deactivate": lambda actor, entry: services.directory_entry_deactivate(
        actor=actor, entry_id=entry.id
    ),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("its_admin", True),
        ("system_admin", True),
        ("its_caseworker", False),
        ("other_admin", False),
    ],
)
def test_it_lets_only_the_organisations_admin_change_its_entries(
    write: str, who: str, allowed: bool
) -> None:
    # given
    admin = admin_of()
    entry = add(admin)
    actors = {
        "its_admin": admin,
        "system_admin": make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN),
        "its_caseworker": make_user(organisation=org(admin), role=Role.CASEWORKER),
        "other_admin": admin_of(),
    }
    before = AuditEvent.objects.count()
    # when / then
    if allowed:
        WRITES[write](actors[who], entry)
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(HavenError) as raised:
            WRITES[write](actors[who], entry)
        assert raised.value.code == "directory_not_allowed"
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("who", "allowed"), [("its_admin", True), ("its_caseworker", False), ("other_admin", False)]
)
def test_it_lets_only_an_admin_add_entries_for_their_organisation(who: str, allowed: bool) -> None:
    # given
    admin = admin_of()
    actors = {
        "its_admin": admin,
        "its_caseworker": make_user(organisation=org(admin), role=Role.CASEWORKER),
        "other_admin": admin_of(),
    }
    # when
    try:
        services.directory_entry_create(
            actor=actors[who], data=entry_input(), organisation=org(admin)
        )
        code = "ok"
    except HavenError as exc:
        code = exc.code
    # then
    assert code == ("ok" if allowed else "directory_not_allowed")
    assert DirectoryEntry.objects.filter(organisation=org(admin)).count() == int(allowed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"service_type": "haircut"}, "service_type"),
        ({"title": "  "}, "title"),
        ({"region": "x" * 101}, "region"),
        ({"languages": ["EN"]}, "languages"),
        ({"languages": ["eng"]}, "languages"),
        ({"target_groups": ["pets"]}, "target_groups"),
    ],
)
def test_it_refuses_bad_values_naming_the_field(changes: dict[str, Any], field: str) -> None:
    # given
    admin = admin_of()
    # when
    with pytest.raises(HavenError) as raised:
        add(admin, **changes)
    # then
    assert (raised.value.code, raised.value.field) == ("directory_invalid", field)
    assert not DirectoryEntry.objects.exists()


def test_an_update_records_what_changed_and_confirms_the_entry() -> None:
    # given
    admin = admin_of()
    with time_machine.travel(NOON, tick=False):
        entry = add(admin)
    # when
    later = NOON + timedelta(days=300)
    with time_machine.travel(later, tick=False):
        services.directory_entry_update(
            actor=admin,
            entry_id=entry.id,
            data=entry_input(title="Renamed", hours="9-17"),
            version=1,
        )
    # then
    entry.refresh_from_db()
    assert (entry.title, entry.hours, entry.confirmed_at) == ("Renamed", "9-17", later)
    event = AuditEvent.objects.filter(object_id=str(entry.id)).latest("occurred_at")
    assert event.detail == {"changed": ["hours", "title"]}


def test_a_missing_entry_is_not_found() -> None:
    # when / then
    for entry_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(HavenError) as raised:
            services.directory_entry_confirm(actor=admin_of(), entry_id=entry_id)
        assert raised.value.code == "directory_entry_not_found"


def test_a_deactivated_entry_leaves_the_search_and_stays_with_its_admin() -> None:
    # given
    admin = admin_of()
    entry = add(admin)
    services.directory_entry_deactivate(actor=admin, entry_id=entry.id)
    before = AuditEvent.objects.count()
    # when: withdrawing twice changes nothing more
    services.directory_entry_deactivate(actor=admin, entry_id=entry.id)
    # then
    assert AuditEvent.objects.count() == before
    assert search() == []
    assert [
        row.entry.active for row in selectors.directory_entries_of(organisation=org(admin))
    ] == [False]


def test_a_member_without_an_organisation_may_not_read_the_directory() -> None:
    # given
    member = make_user()
    outsider = make_user()
    outsider.organisation = None
    # when / then
    assert selectors.may_read(user=member)
    with pytest.raises(HavenError) as raised:
        selectors.require_reader(user=outsider)
    assert raised.value.code == "directory_not_allowed"


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def directory() -> None:
    admin = admin_of()
    add(admin, title="Helsinki shelter", region="Uusimaa", languages=["fi", "ru"])
    add(
        admin,
        title="National hotline",
        service_type=ServiceType.COUNSELLING,
        region="",
        languages=["en"],
        target_groups=[TargetGroup.MEN, TargetGroup.WOMEN],
    )
    add(
        admin,
        title="Children's home",
        region="Pirkanmaa",
        languages=["fi"],
        target_groups=[TargetGroup.CHILDREN],
    )


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    ("filters", "titles"),
    [
        ({}, ["Children's home", "Helsinki shelter", "National hotline"]),
        ({"need": ServiceType.ACCOMMODATION}, ["Children's home", "Helsinki shelter"]),
        ({"region": "uusimaa"}, ["Helsinki shelter", "National hotline"]),  # blank: everywhere
        ({"region": "Lappi"}, ["National hotline"]),
        ({"language": "ru"}, ["Helsinki shelter"]),
        ({"language": "fi", "region": "PIRKANMAA"}, ["Children's home"]),
        ({"target_group": TargetGroup.CHILDREN}, ["Children's home"]),
        ({"target_group": TargetGroup.MEN, "need": ServiceType.COUNSELLING}, ["National hotline"]),
        ({"language": "ar"}, []),
    ],
)
def test_it_finds_services_by_need_place_language_and_target_group(
    filters: dict[str, str], titles: list[str]
) -> None:
    # when / then
    assert search(**filters) == titles


def test_it_marks_entries_stale_after_the_configured_days_and_lists_them_last(
    settings: Settings,
) -> None:
    # given
    settings.HAVEN_DIRECTORY_STALE_DAYS = 30
    admin = admin_of()
    with time_machine.travel(NOON, tick=False):
        old = add(admin, title="A old entry")
    with time_machine.travel(NOON + timedelta(days=20), tick=False):
        add(admin, title="B newer entry")
    # when
    with time_machine.travel(NOON + timedelta(days=30, seconds=1), tick=False):
        rows = selectors.directory_search(need=None, region=None, language=None, target_group=None)
        current_only = search(include_stale=False)
        services.directory_entry_confirm(actor=admin, entry_id=old.id)
        after_confirming = selectors.directory_search(
            need=None, region=None, language=None, target_group=None
        )
    # then
    assert [(row.entry.title, row.stale) for row in rows] == [
        ("B newer entry", False),
        ("A old entry", True),
    ]
    assert current_only == ["B newer entry"]
    assert [(row.entry.title, row.stale) for row in after_confirming] == [
        ("A old entry", False),
        ("B newer entry", False),
    ]


def test_it_names_languages_from_cldr_in_the_readers_language() -> None:
    # then
    assert selectors.language_name("fi") == "Finnish"
    assert selectors.language_name("ti") == "Tigrinya"
    assert selectors.language_name("bh") == "bh"  # no CLDR name: the code
    with translation.override("et"):
        assert selectors.language_name("ru") == "vene"


@pytest.mark.parametrize("rows", [1, 5])
def test_the_search_takes_one_query_whatever_the_number_of_rows(rows: int) -> None:
    # given
    for index in range(rows):
        add(admin_of(), title=f"Service {index}")
    # when
    with CaptureQueriesContext(connection) as queries:
        found = selectors.directory_search(need=None, region=None, language=None, target_group=None)
        [row.entry.organisation.name for row in found]
    # then
    assert (len(found), len(queries)) == (rows, 1)


def test_an_entry_may_name_no_language_and_no_target_group() -> None:
    # when
    entry = add(admin_of(), languages=[], target_groups=[])
    # then
    assert (entry.languages, entry.target_groups) == ([], [])


def test_a_system_admin_without_an_organisation_must_name_one() -> None:
    # given
    system_admin = make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SYSTEM_ADMIN)
    shelter = org(admin_of())
    system_admin.organisation = None
    # when
    with pytest.raises(HavenError) as raised:
        services.directory_entry_create(actor=system_admin, data=entry_input())
    entry = services.directory_entry_create(
        actor=system_admin, data=entry_input(), organisation=shelter
    )
    # then
    assert raised.value.code == "directory_not_allowed"
    assert entry.organisation == shelter


def test_a_second_edit_from_the_same_version_is_refused_and_the_first_is_kept() -> None:
    # given: the organisation's two administrators open version 1 of the entry
    admin = admin_of()
    other = make_user(organisation=admin.organisation, role=Role.ORG_ADMIN)
    entry = add(admin)
    services.directory_entry_update(
        actor=admin, entry_id=entry.id, data=entry_input(hours="9-17"), version=1
    )
    # when
    with pytest.raises(EditConflict) as refused:
        services.directory_entry_update(
            actor=other, entry_id=entry.id, data=entry_input(hours="8-16"), version=1
        )
    # then
    entry.refresh_from_db()
    assert (refused.value.code, refused.value.field) == ("edit_conflict", "version")
    assert (entry.hours, entry.version) == ("9-17", 2)
    assert AuditEvent.objects.filter(object_id=str(entry.id), action="update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_connections_editing_one_entry_at_once_one_wins_the_other_is_told() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent writers; SQLite serialises every write (PostgreSQL)")
    # given: two administrators start from version 1
    admin = admin_of()
    other = make_user(organisation=admin.organisation, role=Role.ORG_ADMIN)
    entry = add(admin)
    first_saved, release = threading.Event(), threading.Event()

    def save(actor: User, hours: str, hold: bool) -> DirectoryEntry:
        with transaction.atomic():
            saved = services.directory_entry_update(
                actor=actor, entry_id=entry.id, data=entry_input(hours=hours), version=1
            )
            if hold:  # keep the transaction open until the other is waiting on it
                first_saved.set()
                release.wait(timeout=30)
        return saved

    one: list[object] = []
    two: list[object] = []
    a = locking_tests.in_own_connection(lambda: save(admin, "9-17", True), one)
    b = locking_tests.in_own_connection(lambda: save(other, "8-16", False), two)
    # when
    a.start()
    assert first_saved.wait(timeout=30)
    b.start()
    waited = locking_tests.wait_until_blocked()
    release.set()
    a.join(timeout=30)
    b.join(timeout=30)
    # then
    assert waited
    assert isinstance(one[0], DirectoryEntry) and one[0].version == 2
    assert isinstance(two[0], EditConflict)
    entry.refresh_from_db()
    assert (entry.hours, entry.version) == ("9-17", 2)
