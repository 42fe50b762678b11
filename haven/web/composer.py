"""The composer: the case page, the timeline, the case API's field groups and
the report for the person, gathered from each app's parts (``haven.cases.parts``).

``PART_MODULES`` is the declared order: a new app adds its ``case_parts`` module
here and never edits another app. Panels are ordered within a slot by their
position, timeline entries of one day by their provider's rank, report sections
in module order; ties keep the declared order.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import connection
from django.db.models import ForeignKey, Model
from django.utils.translation import gettext as _

from haven.access.models import FieldGroup
from haven.accounts.models import User
from haven.assistance import case_parts as assistance_parts
from haven.cases import case_parts as cases_parts
from haven.cases import parts, person_report
from haven.cases import selectors as case_selectors
from haven.cases.models import Case
from haven.children import case_parts as children_parts
from haven.deadlines import case_parts as deadline_parts
from haven.identification import case_parts as identification_parts
from haven.justice import case_parts as justice_parts
from haven.linkage import case_parts as linkage_parts
from haven.referrals import case_parts as referrals_parts
from haven.returns import case_parts as returns_parts
from haven.shelters import case_parts as shelters_parts

PART_MODULES: tuple[ModuleType, ...] = (
    cases_parts,
    identification_parts,
    assistance_parts,
    children_parts,
    justice_parts,
    referrals_parts,
    shelters_parts,
    returns_parts,
    deadline_parts,
    linkage_parts,
)

SLOTS = (parts.SLOT_BANNER, parts.SLOT_ACTIONS, parts.SLOT_HEADER, parts.SLOT_BODY)


def _declared(name: str) -> list[Any]:
    return [item for module in PART_MODULES for item in getattr(module, name, [])]


PANEL_PROVIDERS: list[parts.PanelProvider] = _declared("PANELS")
API_GROUP_PROVIDERS: list[parts.ApiGroupProvider] = _declared("API_GROUPS")
TIMELINE_PROVIDERS: list[parts.TimelineProvider] = sorted(
    _declared("TIMELINE"), key=lambda provider: provider.rank
)
REPORT_PARTS: list[parts.ReportPart] = _declared("REPORT")
CASE_ROWS: list[type[Model]] = _declared("CASE_ROWS")


# --- the case page ------------------------------------------------------------------------


def page_models() -> list[type[Model]]:
    """The models the case page's panels and timeline read by case, once each."""
    rows = [p.rows for p in TIMELINE_PROVIDERS if p.rows is not None]
    return list(dict.fromkeys([*CASE_ROWS, *rows]))


@functools.cache
def _rows_sql(models: tuple[type[Model], ...]) -> str:
    """One statement asking, for each model, whether a case has rows of it. Built
    once per set of models from their tables (no user input in it): composing the
    same query with the ORM on every page costs more than running it."""
    quote = connection.ops.quote_name

    def column(model: type[Model]) -> str:
        case = model._meta.get_field("case")
        assert isinstance(case, ForeignKey)  # noqa: S101 - CASE_ROWS names models of a case
        return quote(case.column)

    probes = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {column(model)} = %s)"  # noqa: S608 - our own tables  # nosec B608
        for model in models
    )
    return f"SELECT {probes}"


def case_rows_held(case: Case, models: Sequence[type[Model]]) -> dict[str, bool]:
    """For each model, whether the case holds rows of it: one query for every app,
    so that an app with nothing to show on the case costs none."""
    if not models:
        return {}
    case_id = Case._meta.pk.get_db_prep_value(case.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(tuple(models)), [case_id] * len(models))
        found = cursor.fetchone()
    return {model._meta.label: bool(holds) for model, holds in zip(models, found, strict=True)}


def case_page_panels(page: parts.CasePage) -> tuple[dict[str, list[parts.Panel]], dict[str, Any]]:
    """The panels of each slot, in order, and the context they read together
    (each panel's keys, which no two panels share)."""
    panels = [panel for provider in PANEL_PROVIDERS for panel in provider(page)]
    context: dict[str, Any] = {}
    for panel in panels:
        shared = context.keys() & panel.context.keys()
        if shared:
            raise ValueError(f"Two case page panels set {sorted(shared)}")  # a parts bug
        context.update(panel.context)
    slots = {
        slot: sorted((p for p in panels if p.slot == slot), key=lambda p: p.position)
        for slot in SLOTS
    }
    return slots, context


# --- the case page's summary and contents -----------------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    """The top of the case page: where the case stands and what this reader may see."""

    shown: list[str]  # the field groups shown to this reader
    hidden: list[str]  # the field groups kept from this reader (each says why below)
    next_deadline: parts.TimelineEntry | None


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str  # an id on the page
    title: str
    hidden: bool = False  # a field group this reader may not see: only why


def panel_anchor(panel: parts.Panel) -> str:
    """A stable id for a body panel, from its template ("part-justice-cooperation-case-block")."""
    name = panel.template.removesuffix(".html").replace("/", "-").replace("_", "-")
    return "part-" + name.replace("--", "-")


def case_page_summary(
    *, view: case_selectors.CaseView, next_deadline: parts.TimelineEntry | None
) -> CaseSummary:
    return CaseSummary(
        shown=[str(g.group.label) for g in view.groups if g.allowed],
        hidden=[str(g.group.label) for g in view.groups if not g.allowed],
        next_deadline=next_deadline,
    )


def case_page_contents(
    *, body: Sequence[parts.Panel], view: case_selectors.CaseView
) -> list[ContentsEntry]:
    """One entry per part of the case page, in page order: the apps' panels that show
    something, the purpose of reading, every field group and the timeline."""
    entries = [ContentsEntry(panel_anchor(p), str(p.title)) for p in body if p.title and p.shown]
    entries.append(ContentsEntry("purpose", _("Purpose of reading")))
    entries += [
        ContentsEntry(f"group-{g.group}", str(g.group.label), hidden=not g.allowed)
        for g in view.groups
    ]
    entries.append(ContentsEntry("timeline", _("Timeline")))
    return entries


def case_page_layout(
    *,
    slots: dict[str, list[parts.Panel]],
    view: case_selectors.CaseView,
    next_deadline: parts.TimelineEntry | None,
) -> dict[str, Any]:
    """The summary, the contents and the body panels with their anchors: the
    page's own context, beside each panel's."""
    body = slots[parts.SLOT_BODY]
    return {
        "body": [(panel_anchor(panel), panel) for panel in body],
        "summary": case_page_summary(view=view, next_deadline=next_deadline),
        "contents": case_page_contents(body=body, view=view),
    }


# --- the case API -------------------------------------------------------------------------


def case_api_groups(page: parts.CasePage) -> dict[FieldGroup, dict[str, Any]]:
    """What the parts add to the field groups ``case_read`` showed."""
    extra: dict[FieldGroup, dict[str, Any]] = {}
    for provider in API_GROUP_PROVIDERS:
        for group, values in provider(page).items():
            extra.setdefault(group, {}).update(values)
    return extra


# --- the report for the person --------------------------------------------------------------


def report_parts() -> Sequence[parts.ReportPart]:
    return REPORT_PARTS


def covered_models() -> set[str]:
    """Every model some part of the report declares it covers."""
    return {label for part in REPORT_PARTS for label in part.covers}


def person_report_read(
    *, user: User, case_id: object, language: str = ""
) -> person_report.PersonReport:
    """The report for the person with every app's section (``cases.person_report``
    gates it to the case lead and audits producing it). Every part passes the
    case gate; the case and its sharing facts are loaded once for all of them."""
    with case_selectors.gate_once():
        return person_report.person_report_read(
            user=user, case_id=case_id, language=language, report_parts=REPORT_PARTS
        )
