"""Assistance reads, one module per concern (each checks access and audits)."""
