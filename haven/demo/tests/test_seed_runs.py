"""Seeding the demo anew, each in a database of its own: the same seed gives the same
records, and focal point keys add an outgoing cross-border package. Apart from
``test_seed.py``, whose tests share one seeded demo."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from haven.assistance.models import (
    Assessment,
    AssistanceService,
    ResidencePermit,
)
from haven.cases.models import (
    Case,
)
from haven.cases.status import IdentificationStatus
from haven.children.models import (
    GuardianAppointment,
)
from haven.demo import services as demo
from haven.referrals import packages
from haven.referrals.models import (
    CrossBorderTransfer,
    FocalPointKey,
    Referral,
)

TODAY = date(2025, 3, 14)
S = IdentificationStatus
RG, CG = "reasonable_grounds", "conclusive_grounds"


def _assistance_fingerprint() -> list[tuple[object, ...]]:
    """The unencrypted columns of the assistance records, in the order of the cases."""
    cases = {
        c: i for i, c in enumerate(Case.objects.order_by("opened_at").values_list("id", flat=True))
    }
    rows: list[tuple[object, ...]] = [
        (cases[a.case_id], a.kind, a.version, a.assessed_on) for a in Assessment.objects.all()
    ]
    rows += [
        (cases[s.case_id], s.service_type, s.status, s.starts_on, s.ends_on, s.amount)
        for s in AssistanceService.objects.all()
    ]
    rows += [(cases[g.case_id], g.appointed_on) for g in GuardianAppointment.objects.all()]
    rows += [(cases[p.case_id], p.expires_on) for p in ResidencePermit.objects.all()]
    return sorted(rows, key=repr)


@pytest.mark.django_db
def test_it_seeds_the_same_assistance_for_the_same_seed() -> None:
    # given a first run, rolled back
    with transaction.atomic():
        first = demo.seed_demo(cases=8, seed=5)
        first_rows = _assistance_fingerprint()
        transaction.set_rollback(True)

    # when
    second = demo.seed_demo(cases=8, seed=5)

    # then
    assert first.assistance == second.assistance
    assert first_rows == _assistance_fingerprint()
    assert first_rows


def test_r50_exports_one_package_to_a_synthetic_partner_when_focal_point_keys_are_set(
    db: None, settings: Any
) -> None:
    # given this Haven's own focal point keys, as ``make demo`` writes them
    keys = packages.keygen()
    settings.HAVEN_FOCAL_POINT_ID = "haven-demo"
    settings.HAVEN_FOCAL_POINT_ENCRYPTION_KEY = keys["encryption_private_key"]
    settings.HAVEN_FOCAL_POINT_SIGNING_KEY = keys["signing_private_key"]

    # when
    summary = demo.seed_demo(cases=20, seed=3)

    # then
    partner = FocalPointKey.objects.get()
    assert not partner.is_own
    transfer = CrossBorderTransfer.objects.get()
    assert transfer.partner == partner
    assert transfer.direction == CrossBorderTransfer.Direction.OUTGOING
    assert summary.referrals.crossborder_exported == 1


def _referral_fingerprint() -> Counter[tuple[str, str, str, str]]:
    return Counter(
        Referral.objects.values_list(
            "from_organisation__org_type", "to_organisation__org_type", "referral_type", "state"
        )
    )


@pytest.mark.django_db
def test_it_seeds_the_same_referrals_for_the_same_seed() -> None:
    # given a first run, rolled back
    with transaction.atomic():
        first = demo.seed_demo(cases=8, seed=5)
        first_rows = _referral_fingerprint()
        transaction.set_rollback(True)

    # when
    second = demo.seed_demo(cases=8, seed=5)

    # then
    assert first.referrals == second.referrals
    assert first_rows == _referral_fingerprint()
    assert first_rows
