"""Placeholder: its owner replaces this module."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
