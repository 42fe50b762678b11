"""Writes of the standard exchange: every export and import is audited in its own
transaction (R-46: only protected statistics leave; nothing identifies a person).

- ``htcds_export``: the country's registered victims as k-anonymous HTCDS v2.0 records;
- ``ctdc_release``: the k-anonymous victim-level release with its report;
- ``regional_export``: the signed regional release of suppressed counts;
- ``external_dataset_import``: an HTCDS file into an external dataset (never a case);
- ``regional_release_import``: another state's signed release, verified first.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access.models import Purpose
from haven.accounts.models import User
from haven.audit import services as audit
from haven.audit.models import Action
from haven.statistics import exchange, htcds, kanon, maps
from haven.statistics import selectors_exchange as selectors
from haven.statistics.errors import FileInvalid, KeyInvalid, SenderUnknown
from haven.statistics.models import ExternalDataset, ExternalRecord, ImportedRelease

HTCDS_FORMATS = ("csv", "xlsx")


def _audit(user: User, action: str, object_type: str, object_id: object, **detail: Any) -> None:
    audit.audit_record(
        actor=audit.actor_of(user),
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=Purpose.STATISTICS,
        detail=detail,
    )


# Age groups of a child (htcds.age_group): R-29, nothing that identifies a child
# victim is made public; a victim-level file is a record per person however coarse.
CHILD_AGE_GROUPS = frozenset({"0-11", "12-17", "0-17"})


def adult_victims(*, country: str) -> Counter[htcds.Victim]:
    """The country's registered victims for a victim-level file, counted per distinct
    record: children left out (R-29). They are counted in the aggregate tables, with
    their small cells suppressed (R-46)."""
    return Counter(
        {
            victim: count
            for victim, count in selectors.registered_victims(country=country).items()
            if victim.age_group not in CHILD_AGE_GROUPS
        }
    )


@dataclass(frozen=True)
class HtcdsExport:
    content: bytes
    report: kanon.HtcdsReport  # what was generalised and suppressed


def htcds_export(*, actor: User, file_format: str) -> HtcdsExport:
    """The country's registered adult victims as an HTCDS v2.0 file (R-45; no child,
    R-29), k-anonymous over every column that describes a victim (R-46), with its
    report; audited with the counts."""
    country = selectors.country_of(actor)
    release = kanon.htcds_release(
        adult_victims(country=country),
        k=settings.HAVEN_STATISTICS_K,
        max_suppression=settings.HAVEN_STATISTICS_K_MAX_SUPPRESSION_PERCENT / 100,
    )
    records = release.records
    content = htcds.export_csv(records) if file_format == "csv" else htcds.export_xlsx(records)
    with transaction.atomic():
        _audit(
            actor,
            Action.EXCHANGE_EXPORT,
            "statistics.htcds",
            country,
            kind="htcds",
            format=file_format,
            **release.report,
        )
    return HtcdsExport(content=content, report=release.report)


@dataclass(frozen=True)
class CtdcRelease:
    content: bytes
    report: dict[str, object]


def ctdc_release(*, actor: User) -> CtdcRelease:
    """The k-anonymous victim-level release with CTDC's columns (R-45, R-46), of adults
    only (R-29), audited."""
    country = selectors.country_of(actor)
    result = kanon.release(
        adult_victims(country=country),
        k=settings.HAVEN_STATISTICS_K,
        max_suppression=settings.HAVEN_STATISTICS_K_MAX_SUPPRESSION_PERCENT / 100,
    )
    report = kanon.release_report(result)
    with transaction.atomic():
        _audit(actor, Action.EXCHANGE_EXPORT, "statistics.ctdc", country, kind="ctdc", **report)
    return CtdcRelease(content=kanon.release_csv(result), report=report)


def own_release(*, country: str) -> exchange.RegionalRelease:
    """This country's protected regional release (not signed, not audited: for pages)."""
    return exchange.release_build(
        selectors.registered_victims(country=country),
        sender=country,
        threshold=settings.HAVEN_STATISTICS_EXCHANGE_THRESHOLD,
    )


def regional_trends(*, country: str) -> selectors.Trends:
    """This country's release beside the latest imported release of each other state
    (not audited: for pages)."""
    imported = [selectors.as_release(r) for r in selectors.imported_releases(country=country)]
    return selectors.regional_trends(own=own_release(country=country), imported=imported)


def regional_map_csv(*, actor: User, year: int) -> str:
    """The regional map's numbers of ``year`` as CSV (each state's figure from its own
    release, never summed across states), audited."""
    country = selectors.country_of(actor)
    figures = selectors.year_figures(regional_trends(country=country), year=year)
    with transaction.atomic():
        _audit(
            actor,
            Action.EXCHANGE_EXPORT,
            "statistics.regional_map",
            country,
            kind="regional_map",
            year=year,
            format="csv",
            states=len(figures),
        )
    return maps.figures_csv(figures, year=year)


def regional_export(*, actor: User) -> bytes:
    """The signed regional release of this country (R-45, R-46), audited."""
    country = selectors.country_of(actor)
    key_text = settings.HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY
    if not key_text:
        raise KeyInvalid(_("No signing key is configured for the regional exchange."))
    release = own_release(country=country)
    content = exchange.dumps(release, exchange.private_key(key_text))
    with transaction.atomic():
        _audit(
            actor,
            Action.EXCHANGE_EXPORT,
            "statistics.regional",
            country,
            kind="regional",
            cells=len(release.cells),
            threshold=release.threshold,
        )
    return content


def external_dataset_import(*, actor: User, content: bytes, source: str) -> ExternalDataset:
    """An HTCDS file read into an external dataset, with the fields it could not carry
    (R-45); a bad file is refused whole (house rule 4). Never creates a case."""
    country = selectors.country_of(actor, importing=True)
    imported = htcds.import_file(content)
    with transaction.atomic():
        dataset = ExternalDataset(
            country=country,
            source=source,
            imported_at=timezone.now(),
            imported_by=actor,
            record_count=len(imported.records),
            not_carried=imported.not_carried,
        )
        dataset.full_clean()
        dataset.save()
        ExternalRecord.objects.bulk_create(
            [ExternalRecord(dataset=dataset, data=r) for r in imported.records], batch_size=2000
        )
        _audit(
            actor,
            Action.EXCHANGE_IMPORT,
            "statistics.ExternalDataset",
            dataset.id,
            kind="htcds",
            records=dataset.record_count,
            not_carried=imported.not_carried,
        )
    return dataset


def peer_keys() -> dict[str, str]:
    """The other states' public keys, from the configured peers file."""
    data = yaml.safe_load(Path(settings.HAVEN_STATISTICS_EXCHANGE_PEERS_FILE).read_text("utf-8"))
    return {str(k): str(v) for k, v in (data or {}).items()}


def regional_release_import(*, actor: User, content: bytes) -> ImportedRelease:
    """Another state's signed release: the sender's key must be configured, the
    signature and the schema must hold, and one file is kept once (R-45)."""
    country = selectors.country_of(actor, importing=True)
    sender = exchange.sender_of(content)
    keys = peer_keys()
    if sender == country or sender not in keys:
        raise SenderUnknown(_("No public key is configured for the state that sent this file."))
    release = exchange.loads(content, exchange.public_key(keys[sender]))
    digest = hashlib.sha256(content).hexdigest()
    if selectors.imported_releases(country=country).filter(digest=digest).exists():
        raise FileInvalid(_("This release was imported already."), field="file")
    with transaction.atomic():
        row = ImportedRelease(
            country=country,
            sender=release.sender,
            created_at=release.created_at,
            threshold=release.threshold,
            cells=[[*cell, value] for cell, value in sorted(release.cells.items())],
            digest=digest,
            imported_at=timezone.now(),
            imported_by=actor,
        )
        row.full_clean()
        row.save()
        _audit(
            actor,
            Action.EXCHANGE_IMPORT,
            "statistics.ImportedRelease",
            row.id,
            kind="regional",
            sender=release.sender,
            cells=len(release.cells),
        )
    return row
