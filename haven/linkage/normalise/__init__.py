"""Normalisation of what was typed about a person: names (any script) and dates of birth.

Pure Python, no Django: the matching engine, the intake check, the batch deduplication
and the cross-border encodings all normalise through here.
"""
