"""The ``haven`` console command: django-admin with Haven's settings."""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

# Keys that `make demo` generates into var/ when they are not configured.
_LOCAL_KEYS = (
    ("HAVEN_SECRET_KEY", "secret.key"),
    ("HAVEN_MASTER_KEY", "master.key"),
    ("HAVEN_INDEX_KEY", "index.key"),
    ("HAVEN_BACKUP_KEY", "backup.key"),
    ("HAVEN_AUDIT_KEY", "audit.key"),
)


def local_defaults(environ: MutableMapping[str, str] = os.environ) -> None:
    """In a checkout where `make demo` ran, use its generated keys when nothing
    else is configured, so `haven demo-accounts --json` or `haven audit verify`
    work without exporting anything. With no secret at all, commands that sign
    nothing (help, demo-accounts, screen) still run; the settings refuse to sign."""
    var = Path(environ.get("HAVEN_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    for name, file_name in _LOCAL_KEYS:
        if not (name in environ or f"{name}_FILE" in environ) and (var / file_name).is_file():
            environ[f"{name}_FILE"] = str(var / file_name)
    if not ("HAVEN_SECRET_KEY" in environ or "HAVEN_SECRET_KEY_FILE" in environ):
        environ.setdefault("HAVEN_CONSOLE_WITHOUT_SECRET", "1")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    local_defaults()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haven", *sys.argv[1:]])


if __name__ == "__main__":
    main()
