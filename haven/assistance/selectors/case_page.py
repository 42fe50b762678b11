"""Whether a case page is read under break-glass: for the banner on the case page
(``haven.assistance.case_parts``) and to hide the write actions a break-glass
reader may not use (``haven.assistance.selectors.assessments``).

Break-glass itself (its grants, uses, reviews and pages) is ``haven.access``'s;
this reads only the ``CaseView`` that ``cases.selectors.case_read`` already
decided and audited, which access may not import.
"""

from __future__ import annotations

from haven.cases import selectors as case_selectors


def case_view_under_break_glass(*, case_view: case_selectors.CaseView) -> bool:
    """Whether any field group of a case page is shown only by break-glass
    (decided by ``access.policy`` in ``case_read``; nothing read again)."""
    return any(group.code == "break_glass" for group in case_view.groups)
