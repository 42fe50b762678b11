"""Placeholder: replaced by the API helper."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
