"""Placeholder: being written in this session."""

from typing import Any


def case_page_plans(*, case_view: Any) -> Any:
    return None
