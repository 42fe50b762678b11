"""Referrals services, one module per concern."""
