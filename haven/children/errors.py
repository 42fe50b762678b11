"""Children errors with stable codes (tests assert the codes, never the words)."""

from __future__ import annotations

from haven.lib.errors import Conflict, InvalidInput


class NotAChild(Conflict):
    """R-11 applies to children and presumed children only (R-10)."""

    default_code = "not_a_child"


class GuardianInputInvalid(InvalidInput):
    default_code = "guardian_input_invalid"


class PersonErased(Conflict):
    default_code = "person_erased"
