"""``haven vault rotate`` and ``haven vault generate-key``: master key operations."""

from __future__ import annotations

import base64
import os
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from haven.lib.files import create_private
from haven.vault import errors, keys, services

HELP = """Vault operations.

generate-key  print a fresh master or index key: base64 of 32 random bytes
              from the operating system. Store it as a secret (HAVEN_MASTER_KEY
              or HAVEN_MASTER_KEY_FILE); it is printed once and kept nowhere.
              With --out FILE it is written to FILE instead, readable by its
              owner only; an existing FILE is never replaced.

rotate        re-wrap every live data key under the current master key and
              print how many were re-wrapped. Ciphertexts are not touched.
              To rotate: put the new key in HAVEN_MASTER_KEY and list the old
              one in HAVEN_MASTER_KEYS_PREVIOUS (comma-separated), run
              'haven vault rotate', and only then remove the old key from
              HAVEN_MASTER_KEYS_PREVIOUS. Without the old key listed, data keys
              wrapped by it cannot be unwrapped and the command fails. Safe to
              re-run: keys already under the current master key are skipped.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Keep the help text's line breaks: it is a procedure to follow.
        return super().create_parser(
            prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["rotate", "generate-key"])
        parser.add_argument(
            "--out", help="generate-key: write the key to this new file (owner-only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate-key":
            key = base64.b64encode(os.urandom(keys.KEY_BYTES)).decode()
            if options["out"]:
                key_file_create(Path(options["out"]), key)
                self.stdout.write(_("Key written to %(path)s.") % {"path": options["out"]})
            else:
                self.stdout.write(key)
            return
        try:
            rotated = services.master_key_rotate()
        except (errors.VaultMisconfigured, errors.DecryptionFailed) as exc:
            # Each batch is its own transaction: what was re-wrapped stays so.
            raise CommandError(
                _("Rotation stopped: %(problem)s. Is the old key in HAVEN_MASTER_KEYS_PREVIOUS?")
                % {"problem": exc}
            ) from exc
        self.stdout.write(
            _("%(count)d data keys re-wrapped under master key %(key_id)s.")
            % {"count": rotated, "key_id": keys.current_master_key().id}
        )


def key_file_create(path: Path, key: str) -> None:
    """Write a key to a new file only its owner can read: never over an existing one."""
    try:
        create_private(path, key + "\n")
    except FileExistsError:
        raise CommandError(
            _("%(path)s exists: a key file is never replaced.") % {"path": path}
        ) from None
