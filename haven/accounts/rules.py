"""Named rules of what a user may do, so that a page never offers what it then
refuses (issue 11: no dead ends).

A rule is a plain function, ``(user) -> bool`` or ``(user, obj) -> bool``, kept
by the app that owns the action, beside the check that refuses it: the view or
service refuses with the function itself, and the app registers the same
function here under a name (from its ``AppConfig.ready``) so that templates ask
it before they show a link or a form (``haven_rules``: ``user|may:"cases.open"``,
``{% may_on "cases.read_access_report" view as allowed %}``). One rule, asked in
both places: the link is shown exactly when the page would let the user in.

An unknown name raises: a template asking a rule nobody registered is a bug, not
a hidden link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from haven.accounts.models import User

UserRule = Callable[[User], bool]
ObjectRule = Callable[[User, Any], bool]

_USER_RULES: dict[str, UserRule] = {}
_OBJECT_RULES: dict[str, ObjectRule] = {}


class UnknownRule(LookupError):
    """A name no app registered."""


def register(name: str, rule: UserRule) -> None:
    """Register a rule about the user alone (may they open cases at all?)."""
    _USER_RULES[name] = rule


def register_object(name: str, rule: ObjectRule) -> None:
    """Register a rule about the user and one object (may they read this case's report?)."""
    _OBJECT_RULES[name] = rule


def may(user: object, name: str) -> bool:
    """Whether ``user`` passes the user rule ``name``; anonymous users pass none."""
    if name not in _USER_RULES:
        raise UnknownRule(name)
    return isinstance(user, User) and bool(_USER_RULES[name](user))


def may_on(user: object, name: str, obj: object) -> bool:
    """Whether ``user`` passes the object rule ``name`` on ``obj``."""
    if name not in _OBJECT_RULES:
        raise UnknownRule(name)
    return isinstance(user, User) and bool(_OBJECT_RULES[name](user, obj))


def registered() -> frozenset[str]:
    """Every rule name, user and object rules alike."""
    return frozenset(_USER_RULES) | frozenset(_OBJECT_RULES)
