"""Linkage's part of the case page (``haven.cases.parts``): a case merged into another
says so ("merged into <reference>"), and a surviving case names the cases merged into
it ("merged from <reference>"): pseudonymous references only, nothing of the other
case's data. A case with no merge costs no query: the composer's one query asks
whether a merge names this case as the surviving one."""

from __future__ import annotations

from haven.cases import parts
from haven.linkage.models import Merge
from haven.linkage.selectors import review as review_selectors


def _merged(page: parts.CasePage) -> list[parts.Panel]:
    if page.case.merged_into_id is None and not page.has_rows(Merge):
        return []
    note = review_selectors.merged_note(page.case.pk)
    return [parts.Panel(parts.SLOT_BANNER, 5, "linkage/_merged_banner.html", {"merged": note})]


PANELS: list[parts.PanelProvider] = [_merged]
CASE_ROWS = (Merge,)
