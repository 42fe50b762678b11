"""Documents for the person drawn as PDF (the rights leaflet, the decision letter).

WeasyPrint draws one HTML page with ``data/pdf.css`` first (the A4 page, its numbers,
and Noto families per script: Latin, Cyrillic, Vietnamese, Thai, Chinese), then the
document's own stylesheet, as tagged PDF (``TAGGED``). The page's ``lang`` attribute
must be the language its text is in, so that the right glyphs are picked (Debian
packages fonts-noto-core and fonts-noto-cjk; see the Makefile) and screen readers
speak it in that language. No domain here: each app renders its own page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONTS = Path(__file__).resolve().parent / "data" / "pdf.css"
# Every PDF Haven draws is tagged (PDF/UA-1): its structure (headings, paragraphs,
# tables, figures with their alternative text) is marked for screen readers, and it
# carries the page's ``lang`` as its language and the page's ``<title>`` as its title.
TAGGED: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


def pdf(html: str, *, stylesheet: Path) -> bytes:
    """Draw ``html`` as PDF with the shared page and fonts, then ``stylesheet``
    (WeasyPrint is imported here: it loads pango on import)."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    sheets = [CSS(filename=str(FONTS)), CSS(filename=str(stylesheet))]
    document: bytes = HTML(string=html).write_pdf(stylesheets=sheets, **TAGGED)
    return document
