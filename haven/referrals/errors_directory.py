"""Service-directory errors with stable codes (tests assert codes, never words)."""

from haven.lib.errors import InvalidInput, NotAllowed, NotFound


class DirectoryInvalid(InvalidInput):
    default_code = "directory_invalid"


class DirectoryNotAllowed(NotAllowed):
    default_code = "directory_not_allowed"


class DirectoryEntryNotFound(NotFound):
    default_code = "directory_entry_not_found"
