"""Reads of indicator sets. Sets are configuration, not personal data: no access
decision is needed to read them, and no read is audited."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from haven.accounts.models import OrgType, Role, User
from haven.identification import engine, errors, loader
from haven.identification.models import Indicator, IndicatorSet, Strength
from haven.lib import datatext

DATA_APP = "identification"  # haven/identification/data/i18n/<lang>.yaml

LOADER_ORG_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


def may_load_indicator_sets(user: User) -> bool:
    """System administrators, and the national coordinator's supervisors and
    organisation administrators (see ``services.indicator_sets`` for why)."""
    if not user.is_active:
        return False
    if user.role == Role.SYSTEM_ADMIN:
        return True
    organisation = user.organisation
    if organisation is None:
        return False
    if organisation.org_type != OrgType.NATIONAL_COORDINATOR:
        return False
    return user.role in LOADER_ORG_ROLES


def indicator_sets_load_check(*, user: User) -> None:
    """Refuse, with a stable code, a user who may not load indicator sets."""
    if not may_load_indicator_sets(user):
        raise errors.IndicatorSetLoadNotAllowed(
            _(
                "Only system administrators and the national coordinator's supervisors "
                "can load indicator sets."
            )
        )


@functools.cache
def _element_names() -> Mapping[str, str]:
    """The elements of the shipped ILO/EC 2009 file (R-05), by code, as it names them."""
    return loader.load_shipped()[0].element_names  # every set of a file shares them


def element_name(code: str, indicator_set: IndicatorSet | None = None) -> datatext.DataText:
    """The element's name in the reader's language: as ``indicator_set``'s file names it
    (``set_text``) when the set keeps its names; otherwise the shipped file's name
    (haven/identification/data/i18n), and a national file's own codes as they are."""
    own = indicator_set.element_names.get(code) if indicator_set is not None else None
    if indicator_set is not None and own:
        return set_text(indicator_set, own)
    name = _element_names().get(code)
    if name is None:
        return datatext.DataText(code, "")
    return datatext.lookup(DATA_APP, name)


def set_text(indicator_set: IndicatorSet, text: str) -> datatext.DataText:
    """A name, title or label of ``indicator_set`` in the reader's language: the set's own
    translation (its file's ``translations``) first, then the shipped translations of an
    English text; otherwise as written, in the set's language."""
    return datatext.lookup(
        DATA_APP, text, source=indicator_set.language, own=indicator_set.translations
    )


def strength_label(strength: str) -> str:
    return str(Strength(strength).label) if strength in Strength.values else strength


@dataclass(frozen=True)
class SourceView:
    """Where a set comes from, for the provisional notice: title, publisher, year, URL."""

    title: str
    publisher: str
    year: str
    url: str

    @property
    def url_parts(self) -> list[str]:
        """The address cut after each / ? & = so that a phone can wrap it (with <wbr>)."""
        return [part for part in re.split(r"(?<=[/?&=])(?!/)", self.url) if part]


def source_view(source: Mapping[str, Any]) -> SourceView:
    url = source.get("url") or source.get("url_landing") or source.get("url_pdf") or ""
    return SourceView(
        title=str(source.get("title", "")),
        publisher=str(source.get("publisher", "")),
        year=str(source.get("year", "")),
        url=str(url),
    )


class _Counted(TypedDict):
    indicator_count: int


class _Versioned(TypedDict):
    indicator_count: int
    latest_version: int


if TYPE_CHECKING:
    # Typing only: WithAnnotations takes two arguments in the stubs, one at run time.
    from django_stubs_ext import WithAnnotations

    # A set row annotated with its number of indicators (and the latest version of its key).
    CountedSet = WithAnnotations[IndicatorSet, _Counted]
    VersionedSet = WithAnnotations[IndicatorSet, _Versioned]


@dataclass(frozen=True)
class ElementIndicators:
    code: str
    name: datatext.DataText
    indicators: list[Indicator]


def _latest_version() -> Subquery:
    newer = IndicatorSet.objects.filter(key=OuterRef("key")).order_by("-version")
    return Subquery(newer.values("version")[:1])


def indicator_set_list() -> QuerySet[VersionedSet]:
    """Every version of every set, newest first per key, with its indicator count."""
    return IndicatorSet.objects.annotate(
        indicator_count=Count("indicators"), latest_version=_latest_version()
    ).order_by("key", "-version")


def indicator_set_list_latest() -> QuerySet[CountedSet]:
    """The latest version of each set, with its indicator count (one query)."""
    return (
        IndicatorSet.objects.annotate(indicator_count=Count("indicators"))
        .filter(version=_latest_version())
        .order_by("key")
    )


def _with_indicators() -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
    )


def indicator_set_latest(*, key: str) -> IndicatorSet | None:
    """The latest version of one set with its indicators, or None."""
    return _with_indicators().filter(key=key).order_by("-version").first()


def indicator_set_get(*, key: str, version: int | None = None) -> IndicatorSet:
    """One version of a set (the latest without ``version``) with its indicators."""
    found = (
        indicator_set_latest(key=key)
        if version is None
        else _with_indicators().filter(key=key, version=version).first()
    )
    if found is None:
        raise errors.IndicatorSetNotFound(_("No indicator set with this key and version."))
    return found


def set_def_for(indicator_set: IndicatorSet) -> engine.SetDef:
    """The engine's definition of a stored set version (indicators prefetched: no N+1)."""
    indicators = tuple(
        engine.IndicatorDef(id=i.code, element=i.element, label=i.label, strength=i.strength)
        for i in sorted(indicator_set.indicators.all(), key=lambda i: i.position)
    )
    return engine.SetDef(
        key=indicator_set.key,
        title=indicator_set.title,
        audience=indicator_set.audience,
        elements=tuple(indicator_set.elements),
        recruitment_elements=tuple(indicator_set.recruitment_elements),
        indicators=indicators,
        element_rule=tuple(indicator_set.element_rule),
        victim_rule=indicator_set.victim_rule,
        version=indicator_set.version,
        provisional=indicator_set.provisional,
        source=indicator_set.source,
    )


def indicators_by_element(indicator_set: IndicatorSet) -> list[ElementIndicators]:
    """The set's indicators grouped under its elements, in the file's order."""
    indicators = sorted(indicator_set.indicators.all(), key=lambda i: i.position)
    return [
        ElementIndicators(
            code=code,
            name=element_name(code, indicator_set),
            indicators=[i for i in indicators if i.element == code],
        )
        for code in indicator_set.elements
    ]
