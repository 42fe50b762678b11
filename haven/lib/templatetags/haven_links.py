"""``{{ case.id|link_to:"web:case_detail" }}``: the URL of one object by its id, as
``{% url "web:case_detail" case.id %}`` gives it, built once a page kind
(``haven.lib.links``) rather than reversed again on every row of a list."""

from __future__ import annotations

from django import template

from haven.lib import links

register = template.Library()


@register.filter
def link_to(value: object, name: str) -> str:
    return links.reverse_by_id(name, value)
