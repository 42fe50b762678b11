"""Numbers as the reader's language writes them: "12,345" in English, "12 345" in
Finnish, Estonian, Swedish and Russian (issue 18). Django groups digits only where a
template asks (USE_THOUSAND_SEPARATOR would group years and reference numbers too)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(value: int | float | Decimal | str | None) -> str:
    """The number with the active language's digit grouping and decimal separator;
    anything that is not a number, as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)
