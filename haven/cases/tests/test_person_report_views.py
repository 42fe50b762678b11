"""The report for the person, as a printable page, end to end through the test client."""

from __future__ import annotations

import re
import struct
import uuid
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from haven.access import services as access_services
from haven.accounts.models import OrgType, Role, User
from haven.accounts.tests.factories import make_user
from haven.cases import services
from haven.cases.models import Case
from haven.cases.tests.factories import open_case
from haven.cases.tests.test_person_report import (
    NARRATIVE,
    REASONS,
    Shared,
    consent_for,
    org_of,
    shared_case,
)
from haven.identification.tests.factories import load_shipped_sets, screen
from haven.identification.tests.test_decisions_services import record
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

PRINT_CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "haven" / "print.css"
SECTIONS = (
    "report-information",
    "report-identification",
    "report-team",
    "report-consents",
    "report-agreements",
    "report-access",
)


def url(case_id: object, **query: str) -> str:
    path = reverse("web:person_report", args=[case_id])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_of(user: User, case: Case, **query: str) -> tuple[int, str, Client]:
    client = sign_in(Client(), user)
    response = client.get(url(case.id, **query))
    return response.status_code, response.content.decode(), client


def without_csrf_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found
    return found.group(1)


def report_lang(page: str) -> str:
    found = re.search(r'<article class="person-report" lang="([^"]+)"', page)
    assert found
    return found.group(1)


# --- who may produce it ---------------------------------------------------------------


def test_it_shows_the_report_to_the_lead_refuses_a_member_and_hides_the_case_from_others() -> None:
    # given
    shared = shared_case()
    outsider = sign_in(Client(), make_user(org_type=OrgType.NGO))

    # when
    lead_status, lead_page, _ = page_of(shared.lead, shared.case)
    member_status, member_page, _ = page_of(shared.police, shared.case)
    hidden = outsider.get(url(shared.case.id))
    missing = outsider.get(url(uuid.uuid4()))

    # then
    assert lead_status == 200
    assert "Aino" in lead_page
    assert member_status == 403
    assert org_of(shared.lead).name in member_page  # the reason says whom to ask
    assert "Aino" not in member_page
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf_tokens(hidden.content) == without_csrf_tokens(missing.content)


def test_it_links_the_report_from_the_case_page_for_the_lead_only() -> None:
    # given
    shared = shared_case()
    link = f'href="{url(shared.case.id)}"'

    # when
    for_lead = sign_in(Client(), shared.lead).get(reverse("web:case_detail", args=[shared.case.id]))
    for_member = sign_in(Client(), shared.police).get(
        reverse("web:case_detail", args=[shared.case.id])
    )

    # then
    assert link in for_lead.content.decode()
    assert link not in for_member.content.decode()


# --- what it shows --------------------------------------------------------------------


def test_it_shows_every_section_and_the_reads_of_another_organisation() -> None:
    # given
    shared = shared_case()
    sign_in(Client(), shared.police).get(reverse("web:case_detail", args=[shared.case.id]))

    # when
    status, page, _ = page_of(shared.lead, shared.case)

    # then
    assert status == 200
    for section in SECTIONS:
        assert f'id="{section}"' in page
    access = page[page.index('id="report-access"') :]
    assert org_of(shared.police).name in access
    assert "Team member" in access
    assert NARRATIVE in page
    assert shared.police.username not in page  # organisations are named, not staff


def test_it_shows_a_withdrawn_consent_in_words() -> None:
    # given
    shared = shared_case()
    consent = consent_for(shared)
    access_services.consent_withdraw(
        actor=shared.lead, consent_id=consent.id, person_id=shared.case.person_id
    )
    consent_for(shared)

    # when
    _, page, _ = page_of(shared.lead, shared.case)

    # then
    consents = page[page.index('id="report-consents"') : page.index('id="report-agreements"')]
    assert consents.count("Withdrawn on") == 1
    assert consents.count("In force") == 1


def test_it_links_a_print_stylesheet_that_hides_navigation_and_keeps_the_demo_banner() -> None:
    # given
    shared = shared_case()

    # when
    with override_settings(DEMO_MODE=True):
        _, page, _ = page_of(shared.lead, shared.case)
    css = PRINT_CSS.read_text(encoding="utf-8")

    # then
    assert re.search(r'<link rel="stylesheet" href="[^"]*haven/print\.css" media="print">', page)
    assert 'class="demo-banner"' in page
    hidden = css[: css.index("display: none")]
    for selector in (".site-header", ".site-nav", ".no-print", ".button", "form"):
        assert selector in hidden
    assert ".demo-banner {\n  display: block !important;" in css
    assert "break-before: page" in css


# --- language -------------------------------------------------------------------------


def compiled_catalogue(directory: Path, language: str, messages: dict[str, str]) -> None:
    """A GNU gettext .mo file, as msgfmt writes it (the header entry first)."""
    header = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    entries = sorted({"": header, **messages}.items())
    ids = [k.encode() for k, _v in entries]
    strs = [v.encode() for _k, v in entries]
    start = 7 * 4 + 16 * len(entries)
    table, data = [], b""
    for text in ids + strs:
        table.append((len(text), start + len(data)))
        data += text + b"\0"
    numbers = [0x950412DE, 0, len(entries), 28, 28 + 8 * len(entries), 0, 0]
    flat = [n for pair in table for n in pair]
    target = directory / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.mo").write_bytes(struct.pack(f"<{7 + len(flat)}I", *numbers, *flat) + data)


def test_it_says_in_plain_words_that_the_report_is_in_english_until_a_translation_exists(
    tmp_path: Path,
) -> None:
    # given: Haven without its Finnish catalogue
    lead = make_user(org_type=OrgType.NGO)
    finnish = open_case(actor=lead, languages=["fi"])

    # when
    with override_settings(LOCALE_PATHS=[tmp_path]):
        status, page, client = page_of(lead, finnish)
        response = client.get(url(finnish.id))

    # then: English words are marked as English (Django's own Finnish words do not leak in)
    assert status == 200
    assert html_lang(page) == report_lang(page) == "en"
    assert "This report is in English, because Haven has no translation into Finnish yet" in page
    assert response.headers["Content-Language"] == "en"


def test_it_renders_the_report_in_the_persons_first_language_once_translated(
    tmp_path: Path,
) -> None:
    # given: a Finnish catalogue with the report's heading
    compiled_catalogue(tmp_path, "fi", {"What Haven holds about you": "Mitä Haven tietää sinusta"})
    lead = make_user(org_type=OrgType.NGO)
    finnish = open_case(actor=lead, languages=["fi"])

    # when
    with override_settings(LOCALE_PATHS=[tmp_path]):
        status, page, client = page_of(lead, finnish)
        response = client.get(url(finnish.id))

    # then
    assert status == 200
    assert html_lang(page) == report_lang(page) == "fi"
    assert "Mitä Haven tietää sinusta" in page
    assert "This report is in English" not in page
    assert response.headers["Content-Language"] == "fi"


def test_it_lets_the_caseworker_choose_an_offered_language_only(tmp_path: Path) -> None:
    # given: Haven without its Swedish catalogue (the report then says so)
    shared = shared_case(languages=["fi"])
    outsider = make_user(org_type=OrgType.NGO)

    # when
    with override_settings(LOCALE_PATHS=[tmp_path]):
        chosen_status, chosen, _ = page_of(shared.lead, shared.case, lang="sv")
    english_status, english, _ = page_of(shared.lead, shared.case, lang="en")
    refused_status, refused, _ = page_of(shared.lead, shared.case, lang="xx")
    outsider_status, _, _ = page_of(outsider, shared.case, lang="xx")

    # then
    assert chosen_status == 200
    assert '<option value="sv" selected>' in chosen
    assert "no translation into Swedish yet" in chosen
    assert english_status == 200
    assert "This report is in English" not in english
    assert refused_status == 400
    assert "Choose a language from the list." in refused
    assert "Aino" not in refused and 'class="person-report"' not in refused
    assert outsider_status == 404


# --- erasure --------------------------------------------------------------------------


def test_it_says_the_data_was_erased_and_shows_none_of_it() -> None:
    # given
    load_shipped_sets()
    shared: Shared = shared_case(languages=["fi"])
    record(shared.police, shared.case, reasons=REASONS)
    supervisor = make_user(role=Role.SUPERVISOR, organisation=org_of(shared.lead))
    services.person_erase(actor=supervisor, case_id=shared.case.id)

    # when
    status, page, _ = page_of(shared.lead, shared.case)

    # then
    assert status == 200
    assert "Your personal data was erased" in page
    for stored in ("Aino", "Testinen", NARRATIVE, REASONS, "Safe house 7", "injured wrist"):
        assert stored not in page
    assert "no translation into" not in page  # the person's languages went with the identity data


# --- a screening made with a provisional set says so in the report ------------------


def test_r05_the_report_for_the_person_marks_a_sexual_screening_as_provisional() -> None:
    # given: a woman exploited in prostitution, screened with the adults' sexual set
    load_shipped_sets()
    shared = shared_case()
    screen(
        actor=shared.lead,
        case=shared.case,
        set_key="adults_sexual",
        codes=("DR-01", "CD-01", "CD-06", "EXS-01", "EXS-02", "EXS-04"),
    )

    # when
    status, page, _ = page_of(shared.lead, shared.case)

    # then
    assert status == 200
    assert "Indicator list: Trafficking of adults for sexual exploitation (version 1)" in page
    assert "Provisional list." in page
    assert "has not yet been checked word for word against its source" in page
