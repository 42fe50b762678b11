"""Synthetic demo data, seeded through the real services (the top floor). Never real people."""
