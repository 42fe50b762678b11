"""The rights leaflet as PDF renders every glyph in Russian, Vietnamese, Thai and
Chinese (issue 18's check, R-24).

How missing glyphs are caught: pango shapes the text with the fonts the leaflet's CSS
names for the document's ``lang``; a character no font covers comes back flagged as
unknown, and WeasyPrint then draws the font's .notdef glyph (the "tofu" box) and logs
the warning ".notdef glyph rendered ..." on the ``weasyprint`` logger. The test fails
on that warning (a control test shows a character no font has does raise it), checks
with ``pdffonts`` that every font is embedded (a viewer never substitutes one), and
with ``pdftotext`` that the title and the date come back as written in the language."""

from __future__ import annotations

import logging
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from haven.assistance import rights

needs_poppler = pytest.mark.skipif(
    shutil.which("pdffonts") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (make system-packages installs it)",
)

END = date(2027, 1, 15)
TODAY = date(2026, 12, 7)


def _render(language: str, version: str) -> bytes:
    leaflet = rights.leaflet(
        language=language,
        version=version,
        ends_on=END,
        contact_name="Anna",
        organisation="Hope NGO",
        reference="HV-0001",
        today=TODAY,
    )
    html = render_to_string("assistance/rights/leaflet_print.html", {"leaflet": leaflet})
    return rights.pdf(html)


def _notdef_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]


def _fonts(pdf: Path) -> list[list[str]]:
    pdffonts = shutil.which("pdffonts") or "pdffonts"
    out = subprocess.run(  # noqa: S603 - poppler's pdffonts on the PDF we made
        [pdffonts, str(pdf)], capture_output=True, text=True, check=True
    )
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _text(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    out = subprocess.run(  # noqa: S603 - poppler's pdftotext on the PDF we made
        [pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return "".join(out.stdout.split())  # Thai and Chinese break lines anywhere


@needs_poppler
@pytest.mark.parametrize(
    ("language", "version", "title", "day", "script_font"),
    [
        ("ru", "standard", "Ваши права", "15января2027", None),
        ("vi", "standard", "Quyền của bạn", "15tháng1,2027", None),
        ("th", "standard", "สิทธิของคุณ", "15มกราคมค.ศ.2027", "Thai"),
        ("th", "child", "สิทธิของหนู", "2027", "Thai"),
        ("zh", "standard", "您的权利", "2027年1月15日", "CJK"),
        ("uk", "easy", "Ваші права", "15січня2027", None),
        ("ro", "standard", "Drepturiledumneavoastră", "15ianuarie2027", None),
    ],
)
def test_r24_the_leaflet_pdf_renders_every_glyph(
    language: str,
    version: str,
    title: str,
    day: str,
    script_font: str | None,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # when
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = _render(language, version)
    path = tmp_path / f"{language}.pdf"
    path.write_bytes(pdf)
    # then
    assert _notdef_warnings(caplog) == []
    fonts = _fonts(path)
    assert fonts, "the PDF has no font"
    assert all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    if script_font is not None:
        # Thai and Chinese are drawn with a font made for their script, read
        # from the same render (a second render of these leaflets would prove nothing more)
        assert any(script_font in row[0] for row in fonts), fonts
    text = _text(path)
    assert "".join(title.split()) in text
    assert day in text
    assert "HV-0001" in text


def test_r24_the_check_sees_a_character_no_font_has(caplog: pytest.LogCaptureFixture) -> None:
    # given: a character from a private use plane, which no installed font covers
    html = '<html lang="en"><body><p>Rights \U0010fffd</p></body></html>'
    # when
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        rights.pdf(html)
    # then
    assert _notdef_warnings(caplog)
