"""Every PDF Haven draws is tagged (PDF/UA-1): a screen reader finds its structure, its
language and its title, and a figure's alternative text. Checked in the PDF itself,
its compressed object streams opened, so that the test fails if tagging is removed."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from haven.lib import pdf

STYLE = Path(pdf.__file__).resolve().parent / "data" / "pdf.css"


def pdf_objects(document: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated (the object streams hold the
    catalogue and the structure tree)."""
    parts = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:  # not Flate (a font's data may be): nothing to read in it
            continue
    return b"\n".join(parts)


PAGE = """<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">
<title>Oikeutesi</title></head><body><h1>Oikeutesi</h1><p>Teksti.</p>
<figure><svg role="img" width="40" height="20" xmlns="http://www.w3.org/2000/svg">
<title>Kuvio</title><rect width="10" height="10" fill="#000"/></svg></figure>
</body></html>"""


def test_r24_a_document_is_a_tagged_pdf_with_its_language_title_and_alt_text() -> None:
    # when
    document = pdf.pdf(PAGE, stylesheet=STYLE)

    # then
    objects = pdf_objects(document)
    assert document.startswith(b"%PDF-")
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert b"/Lang (fi)" in objects
    assert b"/Title (Oikeutesi)" in objects
    assert b"/DisplayDocTitle true" in objects
    assert b"/Alt (Kuvio)" in objects
    assert b"pdfuaid" in objects  # the PDF/UA-1 identification in the XMP metadata
