"""Display labels for stored slugs (status, sex, field group, ...), translated.

Selectors hand templates slugs; these filters only look up the words to show.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django import template
from django.db.models import TextChoices
from django.utils.translation import get_language

from haven.access.models import FieldGroup, Purpose
from haven.accounts.models import OrgType
from haven.cases.models import AgeStatus, ExploitationForm, GenderIdentity, Sex
from haven.cases.status import IdentificationStatus
from haven.lib import cldr

register = template.Library()

CHOICES: dict[str, type[TextChoices]] = {
    "age_status": AgeStatus,
    "exploitation": ExploitationForm,
    "field_group": FieldGroup,
    "gender_identity": GenderIdentity,
    "org_type": OrgType,
    "purpose": Purpose,
    "sex": Sex,
    "status": IdentificationStatus,
}


# The slugs of each kind, gathered once: ``TextChoices.values`` builds its list (and
# the lazy labels with it) anew on every call, and a list page asks once per row.
_VALUES: dict[str, frozenset[str]] = {
    kind: frozenset(choices.values) for kind, choices in CHOICES.items()
}


@functools.lru_cache(maxsize=256)
def _words(kind: str, language: str | None) -> dict[str, str]:
    """Each slug of a kind with its label in one language, translated once a process
    (the catalogues do not change while it runs) rather than once a cell: building
    the choice and casting its lazy label cost a list page about 70 casts."""
    return {str(choice.value): str(choice.label) for choice in CHOICES[kind]}


@register.filter
def label(value: str, kind: str) -> str:
    """``{{ "presumed"|label:"status" }}`` gives "Presumed victim"; unknown slugs pass through."""
    if value not in _VALUES[kind]:
        return value
    return _words(kind, get_language())[value]


@register.filter
def labels(values: Iterable[str] | str, kind: str) -> str:
    """A list (or a comma-separated string, as in the audit trail) as joined labels."""
    items = values.split(",") if isinstance(values, str) else values
    return ", ".join(label(value, kind) for value in items if value)


@register.filter
def country_names(codes: Iterable[str]) -> str:
    """ISO 3166-1 codes as country names in the reader's language (CLDR)."""
    return cldr.country_names(codes)


@register.filter
def language_names(codes: Iterable[str]) -> str:
    """ISO 639-1 codes as language names in the reader's language (CLDR)."""
    return cldr.language_names(codes)


@register.filter
def language_label(code: str) -> str:
    """One ISO 639-1 code as the language's name in the reader's language (CLDR)."""
    return cldr.language_name(code) if code else ""


@register.filter
def country_label(code: str) -> str:
    """One ISO 3166-1 code as the country's name in the reader's language (CLDR)."""
    return cldr.country_name(code) if code else ""
