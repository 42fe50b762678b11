"""Identification API, one module per concern, each with its own ``urlpatterns``."""
