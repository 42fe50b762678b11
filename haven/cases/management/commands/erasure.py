"""``haven erasure request|approve|refuse|list|hold|lift --as USERNAME``: erasure
requests and legal holds from the console, acting as a named user under the same
rules as the page and the API (a second supervisor of the case lead approves;
approval crypto-shreds the person in the same transaction; a supervisor of an
organisation on the case team places or lifts a hold). Every step is audited as
that user's.

- ``request CASE_REFERENCE --reason CODE [--note TEXT]``
- ``approve REQUEST_ID`` / ``refuse REQUEST_ID --note TEXT``
- ``list [--state STATE]``: the requests on cases the user's organisation leads.
- ``hold CASE_REFERENCE --hold-reason CODE [--until YYYY-MM-DD]``: keep the person
  from erasure and retention (until the date, or until lifted).
- ``lift HOLD_ID``: end a hold in force.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.accounts.models import User
from haven.cases import selectors, services
from haven.cases.models import Case, ErasureReason, ErasureState, LegalHoldReason
from haven.lib.errors import HavenError


class Command(BaseCommand):
    help = "Erasure requests: ask, approve, refuse or list them, acting as a named user."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "action", choices=["request", "approve", "refuse", "list", "hold", "lift"]
        )
        parser.add_argument("target", nargs="?", default="", help="case reference or request id")
        parser.add_argument("--as", dest="username", required=True, help="the acting user")
        parser.add_argument("--reason", default="", choices=["", *ErasureReason.values])
        parser.add_argument("--note", default="", help="no personal data: why, in a few words")
        parser.add_argument("--state", default="", choices=["", *ErasureState.values])
        parser.add_argument("--hold-reason", default="", choices=["", *LegalHoldReason.values])
        parser.add_argument(
            "--until", default=None, type=date.fromisoformat, help="last day of a hold"
        )

    def handle(self, *args: Any, action: str, target: str, username: str, **options: Any) -> None:
        user = (
            User.objects.select_related("organisation")
            .filter(username=username, is_active=True)
            .first()
        )
        if user is None:
            raise CommandError("No active user with this username.")
        try:
            self._act(user, action, target, options)
        except HavenError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    def _act(self, user: User, action: str, target: str, options: dict[str, Any]) -> None:
        if action == "list":
            for row in selectors.erasure_requests(user=user, state=options["state"]):
                self.stdout.write(
                    f"{row.pk}  {row.case.reference}  {row.state}  {row.reason}  "
                    f"{row.requested_by.username}  {row.requested_at:%Y-%m-%d}"
                )
            return
        if not target:
            raise CommandError(
                "Name the case reference (request, hold), the request id or the hold id."
            )
        if action == "hold":
            hold = services.legal_hold_place(
                actor=user,
                case_id=_case_id(target),
                reason=options["hold_reason"],
                until=options["until"],
            )
            self.stdout.write(self.style.SUCCESS(f"Legal hold placed: {hold.pk}"))
        elif action == "lift":
            hold = services.legal_hold_lift(actor=user, hold_id=target)
            self.stdout.write(self.style.SUCCESS(f"Legal hold lifted: {hold.pk}"))
        elif action == "request":
            row = services.erasure_request(
                actor=user, case_id=_case_id(target), reason=options["reason"], note=options["note"]
            )
            self.stdout.write(self.style.SUCCESS(f"Erasure requested: {row.pk}"))
        elif action == "approve":
            row = services.erasure_approve(actor=user, request_id=target)
            self.stdout.write(self.style.SUCCESS(f"Approved; the person was erased: {row.pk}"))
        else:
            row = services.erasure_refuse(actor=user, request_id=target, reason=options["note"])
            self.stdout.write(self.style.SUCCESS(f"Refused: {row.pk}"))


def _case_id(reference: str) -> object:
    """The case with this reference, or None (the service then answers "not found")."""
    return (
        Case.objects.filter(reference=reference.strip().upper())
        .values_list("pk", flat=True)
        .first()
    )
