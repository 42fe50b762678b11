"""``haven crossborder ...``: cross-border referral packages at the console.

- ``keygen`` prints a new key set: the private keys for this instance's
  environment (with ``--out-dir DIR``, written instead to new files there that only
  their owner can read), the public keys and fingerprint to give the partner focal
  point;
- ``partner-add`` registers a partner's public keys; ``partners`` lists them;
- ``export`` writes a case's referral package (``--user`` is the acting case lead),
  readable by its owner only, as is an acknowledgement;
- ``import FILE`` shows what a package will create; with ``--yes`` creates it
  (everything or nothing);
- ``acknowledge`` writes the acknowledgement package of an imported transfer;
- ``list`` shows the transfers (``--json`` for scripts, with the number of cases).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.accounts.models import User
from haven.cases.models import Case
from haven.lib.errors import HavenError
from haven.lib.files import create_private, write_private
from haven.referrals import packages
from haven.referrals.models import CrossBorderTransfer, FocalPointKey
from haven.referrals.selectors import crossborder as selectors
from haven.referrals.services import crossborder as services


class Command(BaseCommand):
    help = "Cross-border referral packages: keys, partners, export, import, acknowledgement."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="Print a new focal point key set.")
        keygen.add_argument(
            "--out-dir", help="Write the private keys to new owner-only files in this directory."
        )
        add = sub.add_parser("partner-add", help="Register a partner focal point.")
        add.add_argument("--organisation", required=True)
        add.add_argument("--country", required=True)
        add.add_argument("--focal-point-id", required=True)
        add.add_argument("--encryption-key", required=True)
        add.add_argument("--signing-key", required=True)
        sub.add_parser("partners", help="List partner focal points with fingerprints.")
        export = sub.add_parser("export", help="Write a case's referral package.")
        export.add_argument("--user", required=True)
        export.add_argument("--case", required=True)
        export.add_argument("--partner", required=True, help="The partner's focal point id.")
        export.add_argument("--stage", required=True, choices=services.STAGES)
        export.add_argument("--consent", required=True)
        export.add_argument("--out", required=True)
        imp = sub.add_parser("import", help="Check a package; --yes to create what it carries.")
        imp.add_argument("--user", required=True)
        imp.add_argument("--yes", action="store_true")
        imp.add_argument("file")
        ack = sub.add_parser("acknowledge", help="Write the acknowledgement of an import.")
        ack.add_argument("--user", required=True)
        ack.add_argument("--transfer", required=True)
        ack.add_argument("--out", required=True)
        listing = sub.add_parser("list", help="List the transfers.")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        handler = getattr(self, "_" + action.replace("-", "_"))
        try:
            handler(**options)
        except HavenError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError("No active user with this username.")
        return user

    def _keygen(self, **options: Any) -> None:
        keys = packages.keygen()
        private = {
            "HAVEN_FOCAL_POINT_ENCRYPTION_KEY": ("focal-encryption.key", "encryption_private_key"),
            "HAVEN_FOCAL_POINT_SIGNING_KEY": ("focal-signing.key", "signing_private_key"),
        }
        if options["out_dir"]:
            paths = {name: Path(options["out_dir"]) / file for name, (file, _) in private.items()}
            if any(path.exists() for path in paths.values()):
                raise CommandError("A key file exists there: key files are never replaced.")
            self.stdout.write("# For this instance's environment (owner-only key files):")
            for name, (_file, field) in private.items():
                create_private(paths[name], keys[field] + "\n")
                self.stdout.write(f"{name}_FILE={paths[name]}")
        else:
            self.stdout.write("# For this instance's environment (keep secret):")
            for name, (_file, field) in private.items():
                self.stdout.write(f"{name}={keys[field]}")
        self.stdout.write("# For the partner focal point to register:")
        self.stdout.write(f"encryption_public_key: {keys['encryption_public_key']}")
        self.stdout.write(f"signing_public_key: {keys['signing_public_key']}")
        self.stdout.write(f"fingerprint: {keys['fingerprint']}")

    def _partner_add(self, **options: Any) -> None:
        row = services.partner_key_add(
            actor=None,
            organisation_name=options["organisation"],
            country=options["country"],
            focal_point_id=options["focal_point_id"],
            encryption_public_key=options["encryption_key"],
            signing_public_key=options["signing_key"],
        )
        fingerprint = packages.fingerprint(
            encryption_public_key=row.encryption_public_key,
            signing_public_key=row.signing_public_key,
        )
        self.stdout.write(self.style.SUCCESS(f"Registered {row.focal_point_id}: {fingerprint}"))

    def _partners(self, **options: Any) -> None:
        for p in selectors.partner_list():
            self.stdout.write(
                f"{p.focal_point_id}\t{p.country}\t{p.organisation_name}\t{p.fingerprint}"
            )

    def _export(self, **options: Any) -> None:
        partner = FocalPointKey.objects.filter(
            focal_point_id=options["partner"], is_own=False
        ).first()
        if partner is None:
            raise CommandError("No partner focal point with this id is registered.")
        exported = services.crossborder_export(
            actor=self._user(options["user"]),
            case_id=options["case"],
            partner_id=partner.id,
            stage=options["stage"],
            consent_id=options["consent"],
        )
        write_private(Path(options["out"]), exported.package)
        self.stdout.write(self.style.SUCCESS(f"Package {exported.transfer.package_id} written."))

    def _import(self, **options: Any) -> None:
        user = self._user(options["user"])
        try:
            package = Path(options["file"]).read_bytes().decode("ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError("Cannot read this file as a Haven package.") from exc
        if not options["yes"]:
            received = services.crossborder_preview(actor=user, package=package)
            self.stdout.write(f"{received.kind} from {received.partner.focal_point_id}")
            self.stdout.write(json.dumps(received.payload, indent=2, sort_keys=True))
            self.stdout.write("Nothing was created: run again with --yes to import.")
            return
        imported = services.crossborder_import(actor=user, package=package)
        target = imported.case.id if imported.case else imported.transfer.package_id
        self.stdout.write(self.style.SUCCESS(f"Imported {imported.kind}: {target}"))
        self.stdout.write(f"transfer: {imported.transfer.id}")

    def _acknowledge(self, **options: Any) -> None:
        exported = services.crossborder_acknowledge(
            actor=self._user(options["user"]), transfer_id=options["transfer"]
        )
        write_private(Path(options["out"]), exported.package)
        self.stdout.write(self.style.SUCCESS("Acknowledgement written."))

    def _list(self, **options: Any) -> None:
        # The console operator sees every transfer: ids, dates and stages only.
        rows = [
            {
                "id": str(t.id),
                "package_id": str(t.package_id),
                "direction": t.direction,
                "case_id": str(t.case_id) if t.case_id else None,
                "partner": t.partner.focal_point_id,
                "stage": t.stage,
                "acknowledged": t.acknowledged_at is not None,
            }
            for t in CrossBorderTransfer.objects.select_related("partner")
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"transfers": rows, "cases": Case.objects.count()}))
            return
        for row in rows:
            self.stdout.write("\t".join(str(v) for v in row.values()))
