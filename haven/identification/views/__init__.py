"""Identification pages, one module per concern; routes in haven/identification/urls.py."""
