"""Case errors with stable codes."""

from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound


class CaseNotFound(NotFound):
    # Same code and words for a missing case and a hidden one.
    default_code = "case_not_found"


class TransitionNotAllowed(Conflict):
    default_code = "transition_not_allowed"


class DecisionRequired(Conflict):
    # Presumed, identified and not identified are set by identification decisions only.
    default_code = "decision_required"


class ReasonsRequired(InvalidInput):
    default_code = "reasons_required"


class GroupNotAllowed(NotAllowed):
    default_code = "field_group_not_allowed"


class BreakGlassReadOnly(NotAllowed):
    default_code = "break_glass_read_only"


class RoleNotAllowed(NotAllowed):
    default_code = "role_not_allowed"


class PersonErased(Conflict):
    # The person's data was erased (crypto-shredded): nothing more is written about them.
    default_code = "person_erased"


class AlreadyErased(Conflict):
    # Erasing twice would overwrite when the data was really destroyed.
    default_code = "already_erased"


__all__ = [
    "AlreadyErased",
    "BreakGlassReadOnly",
    "CaseNotFound",
    "DecisionRequired",
    "GroupNotAllowed",
    "InvalidInput",
    "PersonErased",
    "ReasonsRequired",
    "RoleNotAllowed",
    "TransitionNotAllowed",
]
