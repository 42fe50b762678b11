"""Documents for the person drawn as PDF (the rights leaflet, the decision letter).

WeasyPrint draws one HTML page with ``data/pdf.css`` first (the A4 page, its numbers,
and Noto families per script: Latin, Cyrillic, Vietnamese, Thai, Chinese), then the
document's own stylesheet. The page's ``lang`` attribute must be the language its text
is in, so that the right glyphs are picked (Debian packages fonts-noto-core and
fonts-noto-cjk; see the Makefile). No domain here: each app renders its own page."""

from __future__ import annotations

from pathlib import Path

FONTS = Path(__file__).resolve().parent / "data" / "pdf.css"


def pdf(html: str, *, stylesheet: Path) -> bytes:
    """Draw ``html`` as PDF with the shared page and fonts, then ``stylesheet``
    (WeasyPrint is imported here: it loads pango on import)."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    sheets = [CSS(filename=str(FONTS)), CSS(filename=str(stylesheet))]
    document: bytes = HTML(string=html).write_pdf(stylesheets=sheets)
    return document
