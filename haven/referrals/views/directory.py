"""Placeholder: being written in this session."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
