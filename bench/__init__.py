"""Benchmarks (`make bench`): each prints JSON lines."""
