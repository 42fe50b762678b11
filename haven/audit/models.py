"""The append-only audit trail: events written with a keyed MAC, chained by a
single sealer moments later (see ``haven.audit.chain`` and docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("read")  # a field group was shown to the actor
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    TRANSITION = "transition", _("changed status")
    ERASE = "erase", _("erased")
    REPORT = "report", _("viewed the access report")
    BREAK_GLASS = "break_glass", _("opened by break-glass")  # emergency access outside the rules
    # A break-glass request that was refused (who, when, why refused; no personal data).
    BREAK_GLASS_REFUSED = "break_glass_refused", _("was refused break-glass")
    # The database was restored from a backup (by the operator; no personal data).
    RESTORE = "restore", _("restored from a backup")
    # Written by the sealer: ids that never reached the trail (a rolled-back
    # transaction, or an event removed before it was sealed); ``detail`` lists them.
    GAP = "gap", _("ids never sealed")
    # Signing in and out, apart from changes to records; ``detail`` says which event
    # (a password accepted, a token issued, a wrong code, a lockout...) and where.
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed to sign in")
    SIGN_OUT = "sign_out", _("signed out")
    # Identity fields decrypted in memory to score a possible duplicate (linkage's
    # search before create): one event per person read, naming who searched.
    LINKAGE_READ = "linkage_read", _("compared with a new intake")
    # A differentially private statistics release: ε spent from the privacy budget
    # (``detail`` gives ε, the years and the budget left; never a count of a person).
    DP_RELEASE = "dp_release", _("released protected statistics")
    # A protected release downloaded (CSV or API): who took the published figures.
    DP_RELEASE_EXPORT = "dp_release_export", _("exported protected statistics")
    # Statistics left or entered Haven in a standard file (HTCDS, the k-anonymous
    # release, a regional release); ``detail`` says which kind and how many records.
    EXCHANGE_EXPORT = "exchange_export", _("exported statistics")
    EXCHANGE_IMPORT = "exchange_import", _("imported statistics")
    # Aggregate statistics shown or exported (tables, trends, backlog): which set, which
    # year, in which format, and how many cells were suppressed; never a person.
    STATISTICS_EXPORT = "statistics_export", _("exported statistics")
    # Two cases of one person merged (approved by a supervisor), and a merge reversed:
    # one event on each case, naming the other (issue 14).
    MERGE = "merge", _("merged with another case of the same person")
    UNMERGE = "unmerge", _("merge reversed")


class ParsedJSON(models.Func):
    """JSON text parsed by the database: ``jsonb`` on PostgreSQL, checked by SQLite's
    ``json()``. Text that is no JSON is refused, as the write that stored it."""

    arity = 1
    output_field = models.JSONField()
    TEMPLATES = {"postgresql": "CAST(%(expressions)s AS jsonb)"}

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> Any:
        template = template or self.TEMPLATES.get(connection.vendor, "JSON(%(expressions)s)")
        return super().as_sql(compiler, connection, function, template, arg_joiner, **extra)


class AuditEvent(models.Model):
    """One event. Rows are never deleted, and never updated but once, by the
    sealer; ``haven audit verify`` recomputes every MAC and the chain and names
    the first broken link.

    Actor and organisation are copied as plain values (no foreign keys), so
    that nothing outside the audit app can change a row after it is written.

    ``audit_record`` writes the content and ``mac`` (keyed, over the content) in
    the caller's transaction, locking nothing shared. ``audit_seal`` later gives
    each committed event the next ``seq`` (seal order, its own sequence: an event
    that commits late is sealed late, never skipped), its ``prev_hash`` and its
    ``hash`` (keyed, over seq, id, prev_hash and mac). Unsealed rows have no seq.
    """

    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    organisation_id = models.CharField(max_length=36, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=36)
    # The person whose data this is, for the per-person access report: found through
    # ``audit_person_idx`` once sealed and ``audit_unsealed_idx`` until then
    # (``selectors.audit_events_for_person``). An index on the person alone would be
    # one more for every append and every seal to write, two on PostgreSQL with its
    # LIKE twin, and no query needs it.
    person_id = models.CharField(max_length=36, blank=True)
    field_groups = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    # Small structured facts (status codes, counts); never personal data. Stored as
    # the canonical JSON text the MAC covers (``detail_json``: what verification
    # hashes as it is fetched), and parsed from it by the database into ``detail``
    # for queries and reads (``jsonb`` on PostgreSQL). ``detail`` is generated: no
    # statement can make it differ from the text (verification checks that it still
    # is generated).
    detail_json = models.TextField(default="{}", blank=True)
    detail = models.GeneratedField(
        expression=ParsedJSON("detail_json"),
        output_field=models.JSONField(),
        db_persist=True,
    )
    # The digest rule: 1 for rows chained before the trail was keyed, 2 since.
    version = models.PositiveSmallIntegerField(default=2)
    mac = models.CharField(max_length=64, blank=True)
    seq = models.BigIntegerField(null=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Sealed events only: an event's person enters it once, at the seal (which
            # makes a new row version in every index anyway), not also at the append;
            # the access report finds the unsealed few through ``audit_unsealed_idx``.
            models.Index(
                fields=["person_id", "id"],
                condition=Q(seq__isnull=False),
                name="audit_person_idx",
            ),
            # What the sealer has still to seal: small, whatever the trail's length.
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_unsealed_idx"),
        ]

    def __str__(self) -> str:
        return f"audit event {self.pk}"


class AuditHead(models.Model):
    """The sealer's state, one row: the last seal (``count`` = its seq, and
    ``last_hash``) and ``watermark``, the id up to which every id is accounted for
    (a sealed event or a sealed gap). Only the sealer locks it, so that seals are
    made one at a time; writers never touch it. Verification compares the chain's
    end with it; the signed anchors outside the database are what prove that no
    newest rows were cut together with it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)
    watermark = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return "audit head"
