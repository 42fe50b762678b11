"""Optimistic locking: an edit names the version of the record it started from.

Every record that a page or the API edits in place carries a ``version`` counter
(1 when created). The edit form holds it in a hidden field and the API takes it in
the body; the service calls ``version_claim`` inside its transaction, which moves
the counter on only if it still has the expected value. A stale edit raises
``EditConflict`` (409, ``edit_conflict``) and saves nothing, so the second of two
people editing the same record is told, instead of silently overwriting the first.

The compare and the bump are one ``UPDATE ... WHERE version = expected``: on
PostgreSQL a concurrent claim waits for the first transaction and then finds no
row; on SQLite writers are serialised. Records kept as a chain of versions (an
assessment is never edited: recording it again adds a version) use
``version_expect`` on the latest version instead, under their case's row lock.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from haven.lib.errors import EditConflict

VERSION = "version"
# The largest version a form or the API accepts (the column is a 32-bit integer everywhere).
VERSION_MAX = 2_147_483_647


def version_field() -> models.PositiveIntegerField[int, int]:
    """The counter every editable record carries; existing rows start at 1."""
    return models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Optimistic locking: moved on by every edit (haven.lib.locking).",
    )


def conflict(*, field: str = VERSION) -> EditConflict:
    """The refusal, naming the form or request field that carried the stale version."""
    return EditConflict(
        _(
            "Someone else changed this record after you opened it, so nothing was saved. "
            "Compare your changes with what is saved now, and save again."
        ),
        field=field,
    )


def version_expect(*, current: int, expected: int, field: str = VERSION) -> None:
    """Refuse an edit that did not start from the current version."""
    if current != expected:
        raise conflict(field=field)


def version_claim(row: models.Model, *, expected: int) -> None:
    """Compare and bump the row's version in one statement, inside the caller's
    transaction; refuse with ``EditConflict`` when someone saved in between."""
    claimed = (
        type(row)
        ._default_manager.filter(pk=row.pk, **{VERSION: expected})
        .update(**{VERSION: F(VERSION) + 1})
    )
    if claimed != 1:
        raise conflict()
    setattr(row, VERSION, expected + 1)
