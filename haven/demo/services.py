"""Synthetic demo data: organisations, accounts and cases. Never real people.

``haven demo-accounts`` prints :func:`demo_accounts`; ``haven seed_demo``
runs :func:`seed_demo`, which creates exactly those accounts.
"""

from haven.demo.accounts import (
    DemoAccount,
    DemoOrganisation,
    accounts_table,
    demo_accounts,
    demo_organisations,
    demo_password,
)
from haven.demo.assistance import AssistanceCounts
from haven.demo.referrals import ReferralCounts
from haven.demo.seed import (
    DEFAULT_CASES,
    DEFAULT_SEED,
    DUPLICATE_CASES,
    SeedSummary,
    demo_data_present,
    seed_demo,
)

__all__ = [
    "DEFAULT_CASES",
    "DEFAULT_SEED",
    "DUPLICATE_CASES",
    "AssistanceCounts",
    "DemoAccount",
    "DemoOrganisation",
    "ReferralCounts",
    "SeedSummary",
    "accounts_table",
    "demo_accounts",
    "demo_data_present",
    "demo_organisations",
    "demo_password",
    "seed_demo",
]
