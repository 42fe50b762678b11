"""The decision letter in the person's language, on the page and as PDF (issue 11,
R-17), with the allowed and the refused sides sharing one setup."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from haven.accounts.models import OrgType, User
from haven.accounts.tests.factories import make_user
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.factories import add_to_team, share_by_law
from haven.identification.models import IdentificationDecision
from haven.identification.tests.test_decisions_services import TODAY, org_of, record, team
from haven.web.tests.factories import sign_in

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (make system-packages installs it)",
)

# Pinned, measured on SQLite: the reads of the decision list (DECISION_LIST_QUERIES in
# test_decisions_views: the signed-in page, the case and its sharing facts, the
# decisions with their reconsiderations and the pathway's reopenings, the audit insert)
# plus the decision's case id. The person's languages come with the case, and the
# identity decision is made from the sharing facts already loaded: no query of its own.
LETTER_QUERIES = 19

RUSSIAN_HEADING = "Что решено"  # "What was decided"
UKRAINIAN_HEADING = "Що вирішено"
RUSSIAN_LABEL = "Решение о разумных основаниях"  # noqa: RUF001 - "Reasonable grounds decision"


@dataclass
class Letter:
    ngo: User
    decision: IdentificationDecision

    def url(self, name: str = "identification:decision_letter") -> str:
        return reverse(name, args=[self.decision.id])


def letter_for(languages: list[str], **kwargs: str) -> Letter:
    """A positive decision on the case of a person speaking ``languages``, first
    language first, decided on TODAY."""
    t = team(languages=languages)
    with time_machine.travel(TODAY, tick=False):
        decision = record(t.police, t.case, **kwargs)
    return Letter(t.ngo, decision)


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def _article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def test_the_letter_is_in_russian_for_a_person_whose_first_language_is_russian() -> None:
    # given
    letter = letter_for(["ru", "en"])
    # when
    with time_machine.travel(TODAY, tick=False):
        response = client_for(letter.ngo).get(letter.url())
    # then
    html = response.content.decode()
    article = _article(html)
    assert response.status_code == 200
    assert '<article class="decision-letter" lang="ru" dir="ltr"' in html
    assert RUSSIAN_HEADING in article
    assert "Положительное" in article  # the outcome's label, in Russian
    assert RUSSIAN_LABEL in article  # the pathway's label (data), in Russian
    assert "Reasonable grounds decision" not in article
    assert "27.11.2026" in article  # the date as Russian writes it
    assert "27 Nov 2026" not in article
    assert "What was decided" not in html
    # the page around it stays in the reader's language
    assert '<html lang="en"' in html
    assert "Back to the decision" in html
    assert "The letter is in Russian, the person's first language." in html


def test_the_letter_falls_back_to_the_readers_language_with_a_notice() -> None:
    # given: Haven ships no Vietnamese (nor Somali)
    letter = letter_for(["vi", "so"])
    # when
    with time_machine.travel(TODAY, tick=False):
        html = client_for(letter.ngo).get(letter.url()).content.decode()
    # then
    assert '<article class="decision-letter" lang="en" dir="ltr"' in html
    assert "What was decided" in _article(html)
    assert "27 Nov 2026" in _article(html)
    assert "Haven has no letter in Vietnamese, the person's first language" in html
    assert "Ask an interpreter to read it to the person." in html


def test_the_letter_is_in_another_language_of_the_person_when_the_first_is_not_shipped() -> None:
    # given
    letter = letter_for(["vi", "uk"])
    # when
    html = client_for(letter.ngo).get(letter.url()).content.decode()
    # then
    assert 'lang="uk"' in html
    assert UKRAINIAN_HEADING in _article(html)
    assert "another language the person speaks" in html


def test_the_caseworker_chooses_another_language_and_an_unshipped_one_is_refused() -> None:
    # given
    letter = letter_for(["ru"])
    client = client_for(letter.ngo)
    # when
    chosen = client.get(letter.url(), {"lang": "uk"})
    refused = client.get(letter.url(), {"lang": "so"})
    # then: the choice wins, and the PDF link carries it
    html = chosen.content.decode()
    assert chosen.status_code == 200
    assert 'lang="uk"' in html
    assert UKRAINIAN_HEADING in _article(html)
    assert RUSSIAN_HEADING not in html
    assert '<option value="uk" selected>Ukrainian</option>' in html
    assert "The letter is in Ukrainian, as you chose." in html
    assert f"{letter.url('identification:decision_letter_pdf')}?lang=uk" in html
    # an unshipped code is refused beside the chooser; the person's language meanwhile
    page = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="id_lang_error"' in page
    assert RUSSIAN_HEADING in _article(page)


def test_the_reasons_are_shown_as_written_and_said_to_be_the_decision_makers_words() -> None:
    # given
    letter = letter_for(["ru"], reasons="Credible account.\nConsistent with the indicators.")
    # when
    html = client_for(letter.ngo).get(letter.url(), {"lang": "en"}).content.decode()
    # then
    assert "Credible account.<br>Consistent with the indicators." in html
    assert "in the words of the decision-maker" in html


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    out = subprocess.run(  # noqa: S603 - poppler's pdftotext on the PDF we made
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


@needs_poppler
def test_the_letter_pdf_is_in_the_persons_language(tmp_path: Path) -> None:
    # given
    letter = letter_for(["ru"])
    client = client_for(letter.ngo)
    # when
    response = client.get(letter.url("identification:decision_letter_pdf"))
    english = client.get(letter.url("identification:decision_letter_pdf"), {"lang": "en"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == "ru"
    assert response.content.startswith(b"%PDF")
    reference = letter.decision.case.reference
    assert f"decision-{reference}-ru.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    assert RUSSIAN_HEADING in text
    assert reference in text
    assert "What was decided" in _pdf_text(english.content, tmp_path)


def test_the_pdf_refuses_an_unshipped_language_after_the_gate() -> None:
    # given
    letter = letter_for(["ru"])
    outsider = client_for(make_user(org_type=OrgType.NGO))
    pdf = letter.url("identification:decision_letter_pdf")
    # when
    refused = client_for(letter.ngo).get(pdf, {"lang": "so"})
    hidden = outsider.get(pdf, {"lang": "so"})
    # then
    assert refused.status_code == 400
    assert hidden.status_code == 404


def test_the_letter_page_and_pdf_open_only_for_who_may_read_the_decision() -> None:
    # given: one case; a member who reads the legal group, one who does not, an outsider
    letter = letter_for(["ru"])
    health = make_user(org_type=OrgType.HEALTH)
    add_to_team(case=letter.decision.case, organisation=org_of(health), by=letter.ngo)
    outsider = make_user(org_type=OrgType.POLICE)
    page, pdf = letter.url(), letter.url("identification:decision_letter_pdf")
    statuses = {}
    # when
    for name, user in [("member", letter.ngo), ("health", health), ("outsider", outsider)]:
        client = client_for(user)
        answers = (client.get(page), client.get(pdf))
        statuses[name] = tuple(a.status_code for a in answers)
        if name == "outsider":
            assert all(letter.decision.case.reference not in a.content.decode() for a in answers)
    # then
    assert statuses == {"member": (200, 200), "health": (403, 403), "outsider": (404, 404)}


def test_a_reader_who_does_not_see_the_persons_languages_gets_their_own() -> None:
    # given: the police share only the legal group, not identity (the languages)
    letter = letter_for(["ru"])
    police = make_user(org_type=OrgType.POLICE)
    case = letter.decision.case
    add_to_team(case=case, organisation=org_of(police), by=letter.ngo, share=False)
    share_by_law(case=case, organisation=org_of(police), groups=["legal"])
    # when
    hidden = client_for(police).get(letter.url()).content.decode()
    shown = client_for(letter.ngo).get(letter.url()).content.decode()
    # then
    assert 'lang="en"' in _article(hidden)
    assert "Your organisation does not see the person's languages" in hidden
    assert 'lang="ru"' in _article(shown)


def test_the_letter_page_and_pdf_are_audited_with_the_languages_read() -> None:
    # given
    letter = letter_for(["ru"])
    client = client_for(letter.ngo)
    before = AuditEvent.objects.count()
    # when
    client.get(letter.url())
    client.get(letter.url("identification:decision_letter_pdf"))
    client.get(letter.url(), {"lang": "uk"})
    # then: the person's languages (identity) are read only when they chose the language
    reads = [e for e in AuditEvent.objects.order_by("id")[before:] if e.action == Action.READ]
    assert [(e.field_groups, e.object_id, e.detail) for e in reads] == [
        ("identity,legal", str(letter.decision.id), {"letter": "ru"}),
        ("identity,legal", str(letter.decision.id), {"letter": "ru"}),
        ("legal", str(letter.decision.id), {"letter": "uk"}),
    ]


def test_the_letter_page_reads_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # given
    letter = letter_for(["ru"])
    client = client_for(letter.ngo)
    client.get(letter.url())  # warm the session and the caches
    # when / then
    with django_assert_num_queries(LETTER_QUERIES):
        response = client.get(letter.url())
    assert response.status_code == 200
