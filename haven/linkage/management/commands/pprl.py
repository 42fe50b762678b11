"""``haven pprl ...``: cross-border linkage without names, at the console.

- ``keygen --out-private F --out-public F``: a new Ed25519 signing key pair; the
  private key goes to a new owner-only file, the public one to give the partner;
- ``secret --out F``: a new shared secret for two focal points (owner-only file);
- ``encode INPUT.csv --secret-file S --schema SCHEMA.json --sign-key PRIV --sender
  LABEL --out ENC --map-out MAP.csv``: encodes a register (the dedupe contract's
  header) into a signed encodings file; the map from record ids to the file's opaque
  local ids goes to MAP.csv, which never leaves this side;
- ``match ENC_A ENC_B --verify-a PUB --verify-b PUB --out PAIRS.csv [--threshold]``:
  verifies both files, refuses different schemas or secrets, and writes the match
  pairs ``local_id_a,local_id_b,score``.

Secrets and private keys are read from files (or, with ``--secret-env`` and
``--sign-key-env``, from environment variables) and never printed. Progress goes to
stderr. No database is used.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.lib.errors import HavenError
from haven.lib.files import create_private
from haven.linkage.pprl import compare, encode, exchange, files, schema


class Command(BaseCommand):
    help = "Cross-border linkage without names: keys, encode a register, match two files."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="Write a new signing key pair.")
        keygen.add_argument("--out-private", type=Path, required=True)
        keygen.add_argument("--out-public", type=Path, required=True)
        secret = sub.add_parser("secret", help="Write a new shared secret.")
        secret.add_argument("--out", type=Path, required=True)
        enc = sub.add_parser("encode", help="Encode a register into a signed file.")
        enc.add_argument("input", type=Path)
        source = enc.add_mutually_exclusive_group(required=True)
        source.add_argument("--secret-file", type=Path)
        source.add_argument("--secret-env", help="The environment variable holding it.")
        enc.add_argument("--schema", type=Path, default=schema.DEFAULT_SCHEMA)
        signer = enc.add_mutually_exclusive_group(required=True)
        signer.add_argument("--sign-key", type=Path)
        signer.add_argument("--sign-key-env", help="The environment variable holding it.")
        enc.add_argument("--sender", required=True)
        enc.add_argument("--out", type=Path, required=True)
        enc.add_argument("--map-out", type=Path, required=True)
        pair = sub.add_parser("match", help="Match two verified encodings files.")
        pair.add_argument("file_a", type=Path)
        pair.add_argument("file_b", type=Path)
        pair.add_argument("--verify-a", type=Path, required=True)
        pair.add_argument("--verify-b", type=Path, required=True)
        pair.add_argument("--out", type=Path, required=True)
        pair.add_argument("--threshold", type=float, default=compare.DEFAULT_THRESHOLD)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(options)
        except HavenError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        except OSError as exc:
            raise CommandError(f"Cannot write {exc.filename}: {exc.strerror}.") from None

    def _progress(self, message: str) -> None:
        self.stderr.write(message)

    def _create(self, path: Path, text: str) -> None:
        try:
            create_private(path, text)
        except FileExistsError:
            raise CommandError(f"{path} exists: key files are never replaced.") from None

    def _keygen(self, options: dict[str, Any]) -> None:
        private, public = exchange.keygen()
        if options["out_private"].exists() or options["out_public"].exists():
            raise CommandError("A key file exists there: key files are never replaced.")
        self._create(options["out_private"], private + "\n")
        self._create(options["out_public"], public + "\n")
        self.stdout.write(f"Signing key written; give {options['out_public']} to the partner.")

    def _secret(self, options: dict[str, Any]) -> None:
        self._create(options["out"], exchange.new_secret() + "\n")
        self.stdout.write("Shared secret written; hand it to the partner out of band.")

    def _env(self, name: str) -> str:
        value = os.environ.get(name, "")
        if not value:
            raise CommandError(f"The environment variable {name} is not set.")
        return value

    def _encode(self, options: dict[str, Any]) -> None:
        if options["secret_file"] is not None:
            secret = encode.secret_load(options["secret_file"])
        else:
            secret = encode.secret_check(self._env(options["secret_env"]).strip().encode())
        if options["sign_key"] is not None:
            key = exchange.private_key_load(options["sign_key"])
        else:
            key = exchange.private_key_from_text(self._env(options["sign_key_env"]))
        count = files.encode_files(
            register=options["input"],
            schema=schema.schema_load(options["schema"]),
            secret=secret,
            sign_key=key,
            sender=options["sender"],
            out=options["out"],
            map_out=options["map_out"],
            progress=self._progress,
        )
        self.stdout.write(f"{count} records encoded to {options['out']}.")

    def _match(self, options: dict[str, Any]) -> None:
        if not 0.0 < options["threshold"] <= 1.0:
            raise CommandError("--threshold must be above 0 and at most 1.")
        count = files.match_files(
            file_a=options["file_a"],
            file_b=options["file_b"],
            key_a=exchange.public_key_load(options["verify_a"]),
            key_b=exchange.public_key_load(options["verify_b"]),
            out=options["out"],
            threshold=options["threshold"],
            progress=self._progress,
        )
        self.stdout.write(f"{count} pairs written to {options['out']}.")
