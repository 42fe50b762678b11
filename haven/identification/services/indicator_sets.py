"""Loading indicator sets into the database: versioned, all or nothing (R-05).

Who may load a file: the platform's system administrators (they install and
update the data Haven ships with), and the supervisors and organisation
administrators of the national coordinator organisation, which owns the
national minimum standards for detecting and identifying victims (Dir Art.
11(4), R-48). Caseworkers never load sets, and no other organisation does: an
indicator set shapes every later screening in the country. The command line
(``actor=None``) is the operator on the server, like ``haven audit verify``.

Indicator sets hold no personal data. Loading one is still recorded in the
audit trail, since it changes how every later screening is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.identification import loader
from haven.identification.models import Indicator, IndicatorSet
from haven.identification.selectors import indicator_sets as set_selectors

OPERATOR = audit.Actor(id=None, username="operator", organisation_id="", organisation_name="")
MAX_FILE_NAME = 200


class Outcome(StrEnum):
    """What loading a file did to one of its sets."""

    NEW_VERSION = "new_version"  # a new set, or changed content: version latest + 1
    TRANSLATIONS_UPDATED = "translations_updated"  # same content, new names or translations
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class LoadResult:
    """One set of a loaded file: its (latest) row and what the load did to it."""

    row: IndicatorSet
    outcome: Outcome

    @property
    def created(self) -> bool:
        return self.outcome is Outcome.NEW_VERSION


@transaction.atomic
def indicator_sets_load(*, actor: User | None, text: str, file_name: str) -> list[LoadResult]:
    """Load every set of one file, all or nothing; a changed set gets a new version.

    A set whose content is unchanged keeps its latest version; a changed one
    becomes version latest + 1. Old versions are never touched, so an old
    screening keeps the set version it was evaluated with (R-05). Element names and
    translations are shown, not evaluated: an upload with the same content and new
    ones updates them on the latest version (audited as a change), not a new version.
    Each set's outcome says which of the three happened.
    """
    if actor is not None:
        set_selectors.indicator_sets_load_check(user=actor)
    loaded = loader.parse_text(text)
    name = Path(file_name).name[:MAX_FILE_NAME]
    stored = [_store(item, actor=actor, file_name=name) for item in loaded]
    who = audit.actor_of(actor) if actor is not None else OPERATOR
    for row, change in stored:
        if change is not None:
            audit.audit_record(
                actor=who,
                action=Action.CREATE if change == CREATED else Action.UPDATE,
                object_type="identification.IndicatorSet",
                object_id=row.pk,
                detail={"file": name, "set": row.key, "version": row.version}
                | ({} if change == CREATED else {"changed": change}),
            )
    return [LoadResult(row, _outcome(change)) for row, change in stored]


def indicator_sets_load_shipped(*, actor: User | None = None) -> list[LoadResult]:
    """The ILO/EC 2009 file shipped with Haven (provisional; R-05)."""
    return indicator_sets_load(
        actor=actor,
        text=loader.SHIPPED_FILE.read_text(encoding="utf-8"),
        file_name=loader.SHIPPED_FILE.name,
    )


CREATED = "created"


def _outcome(change: str | None) -> Outcome:
    if change == CREATED:
        return Outcome.NEW_VERSION
    return Outcome.UNCHANGED if change is None else Outcome.TRANSLATIONS_UPDATED


def _shown(item: loader.LoadedSet) -> dict[str, Any]:
    """What a set shows beside its content: not part of its version."""
    return {
        "element_names": dict(item.element_names),
        "translations": {code: dict(texts) for code, texts in item.translations.items()},
    }


def _store(
    item: loader.LoadedSet, *, actor: User | None, file_name: str
) -> tuple[IndicatorSet, str | None]:
    """The set's row and what changed: CREATED (a new version), the names of the fields
    shown beside the content that were updated on the latest version, or None."""
    digest = item.content_hash()
    latest = (
        IndicatorSet.objects.select_for_update().filter(key=item.key).order_by("-version").first()
    )
    shown = _shown(item)
    if latest is not None and latest.content_hash == digest:
        # The same content: the same version. Its element names and translations are
        # only shown, so a file that fixes or adds a translation updates them in place.
        changed = [name for name, value in shown.items() if getattr(latest, name) != value]
        for name in changed:
            setattr(latest, name, shown[name])
        if changed:
            latest.save(update_fields=changed)
        return latest, ",".join(changed) or None
    definition = item.definition
    row = IndicatorSet(
        key=item.key,
        version=latest.version + 1 if latest is not None else 1,
        title=definition.title,
        language=item.language,
        **shown,
        audience=definition.audience,
        exploitation=item.exploitation,
        provisional=definition.provisional,
        confidence=item.confidence,
        note=item.note,
        source=dict(definition.source),
        elements=list(definition.elements),
        recruitment_elements=list(definition.recruitment_elements),
        element_rule=[dict(combo) for combo in definition.element_rule],
        victim_rule=dict(definition.victim_rule),
        content_hash=digest,
        file_name=file_name,
        loaded_at=timezone.now(),
        loaded_by=actor,
    )
    row.full_clean(exclude=["loaded_by"])
    row.save()
    indicators = [
        Indicator(
            indicator_set=row,
            code=indicator.id,
            element=indicator.element,
            label=indicator.label,
            strength=indicator.strength,
            uncertain=item.indicator_notes[indicator.id][0],
            note=item.indicator_notes[indicator.id][1],
            position=position,
        )
        for position, indicator in enumerate(definition.indicators)
    ]
    for indicator_row in indicators:
        # The set was just saved and each code checked unique by the loader.
        indicator_row.full_clean(exclude=["indicator_set"], validate_unique=False)
    Indicator.objects.bulk_create(indicators)
    return row, CREATED
