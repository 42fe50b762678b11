"""Referrals api, one module per concern."""
