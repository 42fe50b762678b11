"""Pages that record on a case refuse before they show a form, by the rule their
service refuses with.

A form that the write then refuses is a dead end for someone typing a frightened
person's story at night. The case gate decides both: a page wrapped here reads the
case as a write would (``writing``), so someone outside the team gets the case's 404,
emergency access (read only) its refusal, and a case merged into another the
reference of the case where the person is now recorded, before any form appears.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from haven.accounts.current import request_user
from haven.cases import selectors

View = Callable[..., HttpResponse]


def records_on_case(view: View) -> View:
    """Refuse the page (GET and POST alike) to a user who could not record on the
    case named by the ``case_id`` argument. Put it inside ``domain_errors``."""

    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, case_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponse:
        selectors.case_get_with_context(user=request_user(request), case_id=case_id, writing=True)
        return view(request, *args, case_id=case_id, **kwargs)

    return wrapper
