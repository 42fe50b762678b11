"""Referrals views, one module per concern."""
