"""Indicator set pages through the test client: the list, one version, and the upload
(all or nothing, every problem beside the file field) for those who may load sets."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.identification import loader
from haven.identification.models import IndicatorSet
from haven.identification.services import indicator_sets as set_services
from haven.identification.tests.factories import load_shipped_sets, national_file, text_of
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

LIST = reverse("identification:indicator_set_list")
UPLOAD = reverse("identification:indicator_set_upload")
# A signed-in page (7, with the header's notifications), the header's organisation,
# and one query for every set version with its indicator count and latest version:
# the same for 4 sets as for 40.
# Issue 6 adds 1: the menu's count of referrals waiting for the organisation's answer
# (web.context_processors), on every page of a user with a case role.
SET_LIST_QUERIES = 10

ClientFor = Callable[[User], Client]


@pytest.fixture
def client_for() -> ClientFor:
    def make(user: User) -> Client:
        return sign_in(Client(), user)

    return make


def coordinator() -> User:
    return make_user(org_type=OrgType.NATIONAL_COORDINATOR, role=Role.SUPERVISOR)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/yaml")


# --- the list and one set -----------------------------------------------------------------


def test_the_list_shows_every_version_with_its_flags_and_counts(
    client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    load_shipped_sets()
    text = loader.SHIPPED_FILE.read_text(encoding="utf-8")
    set_services.indicator_sets_load(
        actor=None, text=text.replace("strength: W}", "strength: M}", 1), file_name="v2.yaml"
    )
    client = client_for(make_user(org_type=OrgType.NGO))

    # when
    with django_assert_num_queries(SET_LIST_QUERIES):
        response = client.get(LIST)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="row" ') == 5
    assert html.count("No indicators yet") == 0
    assert html.count("No: provisional") == 5
    assert "2 (in use)" in html
    assert "1 (earlier)" in html
    assert reverse("identification:indicator_set_detail", args=["adults_labour", 1]) in html
    assert UPLOAD not in html  # a caseworker may not load sets


def test_the_list_offers_the_upload_to_whoever_may_load(client_for: ClientFor) -> None:
    # when
    html = client_for(coordinator()).get(LIST).content.decode()

    # then
    assert UPLOAD in html
    assert "No indicator set is loaded yet" in html


def test_a_set_version_shows_its_indicators_per_element(client_for: ClientFor) -> None:
    # given
    load_shipped_sets()
    client = client_for(make_user(org_type=OrgType.NGO))

    # when
    html = client.get(
        reverse("identification:indicator_set_detail", args=["adults_labour", 1])
    ).content.decode()
    sexual = client.get(
        reverse("identification:indicator_set_detail", args=["children_sexual", 1])
    ).content.decode()

    # then
    assert html.count('<section class="group" id="element-') == 6
    assert "<strong>CR-01</strong> Violence on victims" in html
    assert "strong; grade uncertain" in html
    assert "Provisional indicator set" in html
    assert sexual.count('<section class="group" id="element-') == 6
    assert "<strong>EXS-06</strong> Any commercial sexual exploitation of the child" in sexual
    assert "Provisional indicator set" in sexual
    assert sexual.count("No indicators yet.") == 0


def test_a_missing_set_version_is_a_404(client_for: ClientFor) -> None:
    # given
    load_shipped_sets()

    # when
    response = client_for(make_user()).get(
        reverse("identification:indicator_set_detail", args=["adults_labour", 9])
    )

    # then
    assert response.status_code == 404


# --- upload -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org_type", "role", "expected"),
    [
        (OrgType.NATIONAL_COORDINATOR, Role.SUPERVISOR, 200),
        (OrgType.NGO, Role.SYSTEM_ADMIN, 200),
        (OrgType.NATIONAL_COORDINATOR, Role.CASEWORKER, 403),
        (OrgType.NGO, Role.SUPERVISOR, 403),
    ],
)
def test_only_who_may_load_sets_gets_the_upload_form(
    client_for: ClientFor, org_type: str, role: str, expected: int
) -> None:
    # when
    response = client_for(make_user(org_type=org_type, role=role)).get(UPLOAD)

    # then
    assert response.status_code == expected
    html = response.content.decode()
    if expected == 403:
        assert "national coordinator&#x27;s supervisors can load" in html
    else:
        assert 'enctype="multipart/form-data"' in html
        assert '<label for="id_file">' in html


def test_a_refused_user_cannot_post_a_file_either(client_for: ClientFor) -> None:
    # when
    response = client_for(make_user(role=Role.SUPERVISOR)).post(
        UPLOAD, {"file": upload("lv.yaml", text_of(national_file()).encode())}
    )

    # then
    assert response.status_code == 403
    assert not IndicatorSet.objects.exists()


def test_uploading_a_file_loads_it_and_says_what_changed(client_for: ClientFor) -> None:
    # given
    load_shipped_sets()
    client = client_for(coordinator())
    text = loader.SHIPPED_FILE.read_text(encoding="utf-8")

    # when
    response = client.post(
        UPLOAD,
        {"file": upload("ilo.yaml", text.replace("strength: W}", "strength: M}", 1).encode())},
        follow=True,
    )

    # then
    html = response.content.decode()
    assert response.redirect_chain == [(LIST, 302)]
    assert "New versions: adults_labour v2." in html
    assert "Unchanged: children_labour v1, adults_sexual v1, children_sexual v1." in html


def test_a_first_upload_and_an_unchanged_one_say_so(client_for: ClientFor) -> None:
    # given
    client = client_for(coordinator())
    content = text_of(national_file()).encode()

    # when
    first = client.post(UPLOAD, {"file": upload("lv.yaml", content)}, follow=True)
    again = client.post(UPLOAD, {"file": upload("lv.yaml", content)}, follow=True)

    # then
    assert "New versions: adults_criminality v1." in first.content.decode()
    assert "Unchanged" not in first.content.decode()
    assert "Unchanged: adults_criminality v1." in again.content.decode()
    assert "New versions" not in again.content.decode()


def test_a_malformed_file_lists_every_problem_beside_the_field_and_loads_nothing(
    client_for: ClientFor,
) -> None:
    # given: a good set and a set with two problems
    data = national_file()
    data["sets"]["children_x"] = national_file()["sets"]["adults_criminality"]
    data["sets"]["children_x"]["indicators"]["DR"][0]["strength"] = "X"
    data["sets"]["children_x"]["indicators"]["EX"][0]["id"] = "DR-02"

    # when
    response = client_for(coordinator()).post(
        UPLOAD, {"file": upload("n.yaml", text_of(data).encode())}
    )

    # then
    html = response.content.decode()
    assert response.status_code == 400
    field = re.search(r'<div id="id_file_error">(.*?)</div>', html, re.S)
    assert field is not None
    problems = re.findall(r"<li>(.*?)</li>", field.group(1))
    assert problems == [
        "The indicator file has 2 problems; nothing was loaded.",
        "sets.children_x.indicators.DR[0].strength: must be S, M or W (got &quot;X&quot;)",
        "sets.children_x.indicators.EX[0].id: duplicate id &quot;DR-02&quot; "
        "(already at sets.children_x.indicators.DR[1])",
    ]
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    assert "The file was not loaded" in html
    assert not IndicatorSet.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title: Säännöt".encode("latin-1"), "The file is not UTF-8 text."),
        (b"a: [1\nb: 2\n", "file: not valid YAML at line 2, column 2"),
        (b"#" * 1_000_001, "The file is larger than 1 MB"),
    ],
)
def test_an_unreadable_file_is_refused_beside_the_field(
    client_for: ClientFor, content: bytes, message: str
) -> None:
    # when
    response = client_for(coordinator()).post(UPLOAD, {"file": upload("x.yaml", content)})

    # then
    assert response.status_code == 400
    assert message in response.content.decode()


def test_posting_without_a_file_asks_for_one(client_for: ClientFor) -> None:
    # when
    response = client_for(coordinator()).post(UPLOAD, {})

    # then
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
