"""Dates (issue 11): one unambiguous format per language, in tables and text alike
("6 Dec 2026" in English, "06.12.2026" in Estonian), never "12/06/2026" nor
"Dec. 6, 2026"; templates name the language's format rather than one of their own."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from haven.accounts.models import OrgType
from haven.accounts.tests.factories import make_user
from haven.cases.tests.factories import open_case
from haven.web.tests.factories import sign_in

HAVEN = Path(__file__).resolve().parents[2]
# The language's formats, and the machine form inside a datetime="" attribute only.
NAMED_FORMATS = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"}
MACHINE_FORMATS = {"c", "Y-m-d"}
DATE_FILTER = re.compile(r"""\|date(?::(["'])(?P<format>[^"']*)\1)?""")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("en", "6 Dec 2026", ["12/06/2026", "Dec. 6, 2026"]), ("et", "06.12.2026", ["12/06/2026"])],
)
def test_the_case_page_shows_the_opening_date_in_the_languages_one_format(
    language: str, shown: str, not_shown: list[str]
) -> None:
    # given: a case opened on 6 December 2026 and a reader who chose the language
    user = make_user(org_type=OrgType.NGO)
    with time_machine.travel("2026-12-06 10:00:00Z", tick=False):
        case = open_case(actor=user)
    client = sign_in(Client(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # when
    html = client.get(reverse("web:case_detail", args=[case.id])).content.decode()

    # then
    assert f'<html lang="{language}" dir="ltr">' in html
    assert shown in html
    for wrong in not_shown:
        assert wrong not in html


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_every_language_has_one_date_format_for_short_and_long(language: str) -> None:
    # given
    day = date(2026, 12, 6)

    # when
    with translation.override(language):
        short = formats.date_format(day, "SHORT_DATE_FORMAT")
        long = formats.date_format(day, "DATE_FORMAT")

    # then: the same, and the day cannot be mistaken for the month
    assert short == long
    assert "12/06" not in short
    assert "Dec." not in short


def test_templates_show_dates_only_in_the_languages_formats() -> None:
    # given
    templates = sorted(HAVEN.glob("*/templates/**/*.html"))

    # when
    ad_hoc = []
    for path in templates:
        text = path.read_text()
        for match in DATE_FILTER.finditer(text):
            name = match.group("format")
            in_attribute = text[: match.start()].rsplit("{{", 1)[0].endswith('datetime="')
            if name in NAMED_FORMATS or (name in MACHINE_FORMATS and in_attribute):
                continue
            ad_hoc.append(f"{path.relative_to(HAVEN)}: {match.group(0)}")
        ad_hoc += [
            f"{path.relative_to(HAVEN)}: {call}"
            for call in re.findall(r"\.(?:isoformat|strftime)\b", text)
        ]

    # then
    assert templates
    assert ad_hoc == []
