"""Referrals selectors, one module per concern."""
