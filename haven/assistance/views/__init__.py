"""Assistance pages, one module per concern; routes in haven/assistance/urls.py."""
