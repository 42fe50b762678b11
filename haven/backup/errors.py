"""Backup and restore errors with stable codes. Messages name files, keys' fingerprints
and tables, never a row's values."""

from enum import StrEnum

from haven.lib.errors import Conflict, HavenError


class ErrorCode(StrEnum):
    """Every code this app raises: stable values the tests rely on."""

    BACKUP_KEY_WRONG = "backup_key_wrong"
    BACKUP_NOT_AUTHENTIC = "backup_not_authentic"
    BACKUP_NOT_LOADED = "backup_not_loaded"
    BACKUP_UNREADABLE = "backup_unreadable"
    DATABASE_NOT_EMPTY = "database_not_empty"
    SCHEMA_MISMATCH = "schema_mismatch"


class BackupUnreadable(HavenError):
    # Not a Haven backup, or one of a format this version does not know.
    default_code = ErrorCode.BACKUP_UNREADABLE


class BackupKeyWrong(HavenError):
    default_code = ErrorCode.BACKUP_KEY_WRONG


class BackupNotAuthentic(HavenError):
    # Changed, cut short or reordered after it was written: nothing of it is used.
    default_code = ErrorCode.BACKUP_NOT_AUTHENTIC


class RestoreRefused(Conflict):
    # The database is not the empty one a restore fills, or its schema differs.
    default_code = ErrorCode.DATABASE_NOT_EMPTY


class BackupNotLoaded(HavenError):
    # Authentic, but its rows do not fit this database; the restore was rolled back.
    default_code = ErrorCode.BACKUP_NOT_LOADED
