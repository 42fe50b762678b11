"""Case pages, one module per concern; routes in haven/cases/urls.py."""
