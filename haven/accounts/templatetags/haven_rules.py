"""Templates ask the rule that refuses before they offer a link or a form
(``haven.accounts.rules``): ``{% if user|may:"cases.open" %}`` and, for a rule about
one object, ``{% may_on "cases.read_access_report" view as allowed %}``."""

from __future__ import annotations

from typing import Any

from django import template

from haven.accounts import rules

register = template.Library()


@register.filter(name="may")
def may(user: object, name: str) -> bool:
    return rules.may(user, name)


@register.simple_tag(takes_context=True, name="may_on")
def may_on(context: template.Context, name: str, obj: Any) -> bool:
    return rules.may_on(context.get("user"), name, obj)
