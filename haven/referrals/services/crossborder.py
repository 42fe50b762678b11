"""Cross-border referral between focal points of Haven instances in different
states (R-13, R-48, R-50): partner keys, export, import, acknowledgement, and the
sweep that alerts when an acknowledgement does not come.

Export rules (the choice made here, documented for the focal points):
- only a case-role member of the case lead organisation sends a case;
- the lead names the consent that covers the cross-border hand-over: a live
  consent of this case, for purpose ``return`` or ``assistance``, whose recipient
  is a national coordinator or an international organisation (the focal point
  functions). Only what that consent lists goes: the latest needs and risk
  assessments when it covers the assessment group; never names or contact data.

Import creates, in one transaction, the case (``case_open`` with the non-identifying
facts only: the receiving focal point records the person's names at first
contact), the assessments as version 1 (trigger initial), the consent record as
the first narrative note, and the ``CrossBorderTransfer`` row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.access import policy as access_policy
from haven.access.models import Consent, FieldGroup, Purpose
from haven.accounts.models import OrgType, Role, User
from haven.accounts.policy import CASE_ROLES
from haven.assistance.models import AssessmentKind, AssessmentTrigger
from haven.assistance.selectors import assessments as assessment_selectors
from haven.assistance.services import assessments as assessment_services
from haven.audit import services as audit
from haven.audit.models import Action
from haven.cases import errors as case_errors
from haven.cases import selectors as case_selectors
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case
from haven.deadlines import notify as notify_module
from haven.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from haven.referrals import packages
from haven.referrals.errors import ErrorCode
from haven.referrals.models import CrossBorderTransfer, FocalPointKey


class Stage:
    """The five transnational referral stages (R-13, TRM)."""

    IDENTIFICATION = "identification"
    FIRST_ASSISTANCE = "first_assistance"
    LONG_TERM_ASSISTANCE = "long_term_assistance"
    RETURN = "return"
    PROCEEDINGS = "proceedings"


STAGES = (
    Stage.IDENTIFICATION,
    Stage.FIRST_ASSISTANCE,
    Stage.LONG_TERM_ASSISTANCE,
    Stage.RETURN,
    Stage.PROCEEDINGS,
)
COVERING_PURPOSES = (Purpose.RETURN, Purpose.ASSISTANCE)
FOCAL_POINT_TYPES = (OrgType.NATIONAL_COORDINATOR, OrgType.INTERNATIONAL_ORGANISATION)


class NotConfigured(Conflict):
    default_code = ErrorCode.CROSSBORDER_NOT_CONFIGURED


class PackageExpired(InvalidInput):
    default_code = ErrorCode.PACKAGE_EXPIRED


class PackageMisaddressed(InvalidInput):
    default_code = ErrorCode.PACKAGE_MISADDRESSED


class UnknownSender(InvalidInput):
    default_code = ErrorCode.PACKAGE_UNKNOWN_SENDER


class PackageReplayed(Conflict):
    default_code = ErrorCode.PACKAGE_REPLAYED


class PartnerNotFound(NotFound):
    default_code = ErrorCode.PARTNER_NOT_FOUND


class TransferNotFound(NotFound):
    default_code = ErrorCode.TRANSFER_NOT_FOUND


# The audit object of a package read before anything is created from it.
PACKAGE_SUBJECT = "referrals.CrossBorderPackage"


def own_keys() -> packages.OwnKeys:
    """This instance's focal point, or a plain "not configured"."""
    focal_point_id = settings.HAVEN_FOCAL_POINT_ID
    encryption = settings.HAVEN_FOCAL_POINT_ENCRYPTION_KEY
    signing = settings.HAVEN_FOCAL_POINT_SIGNING_KEY
    if not (focal_point_id and encryption and signing):
        raise NotConfigured(
            _(
                "Cross-border referral is not configured on this Haven: the focal point "
                "id and keys are not set."
            )
        )
    try:
        return packages.own_keys_load(
            focal_point_id=focal_point_id, encryption_key=encryption, signing_key=signing
        )
    except ValueError:
        raise NotConfigured(_("The focal point keys of this Haven are not valid.")) from None


def is_configured() -> bool:
    try:
        own_keys()
    except NotConfigured:
        return False
    return True


# --- partner keys -----------------------------------------------------------------------


def _require_system_admin(actor: User | None) -> None:
    # None: the operator at the console (`haven crossborder partner-add`).
    if actor is not None and actor.role != Role.SYSTEM_ADMIN:
        raise NotAllowed(_("Only a system administrator can register partner keys."))


@transaction.atomic
def partner_key_add(
    *,
    actor: User | None,
    organisation_name: str,
    country: str,
    focal_point_id: str,
    encryption_public_key: str,
    signing_public_key: str,
) -> FocalPointKey:
    """Register a partner focal point's public keys (checked by fingerprint out of band)."""
    _require_system_admin(actor)
    for name, value in (
        ("encryption_public_key", encryption_public_key),
        ("signing_public_key", signing_public_key),
    ):
        if not packages.public_key_valid(value.strip()):
            raise InvalidInput(_("A public key is base64 of 32 bytes."), field=name)
    focal_point_id = focal_point_id.strip()
    if FocalPointKey.objects.filter(focal_point_id=focal_point_id).exists():
        raise Conflict(
            _("A focal point with this id is already registered."),
            code=ErrorCode.PARTNER_EXISTS,
            field="focal_point_id",
        )
    row = FocalPointKey(
        organisation_name=organisation_name.strip(),
        country=country.strip().upper(),
        focal_point_id=focal_point_id,
        encryption_public_key=encryption_public_key.strip(),
        signing_public_key=signing_public_key.strip(),
        is_own=False,
        added_at=timezone.now(),
        added_by=actor,
    )
    row.full_clean(exclude=["added_by"])  # null: added at the console
    row.save()
    return row


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    transfer: CrossBorderTransfer
    package: str  # the package text, as written to the file


def _require_lead(*, actor: User, context: access_policy.CaseContext) -> None:
    # case_get_with_context admitted the actor, so the actor has a case role.
    lead = context.lead
    if lead is None or lead.organisation_id != actor.organisation_id:
        raise NotAllowed(
            _("Only the case lead sends a case to another state's focal point."),
            code=ErrorCode.NOT_CASE_LEAD,
        )


def _recipient_type(consent: Consent) -> str:
    if consent.recipient_organisation is not None:
        return str(consent.recipient_organisation.org_type)
    return consent.recipient_org_type


def _covering_consent(*, case: Case, consent_id: object) -> Consent:
    try:
        parsed = uuid.UUID(str(consent_id))
    except ValueError:
        parsed = None
    consent = (
        Consent.objects.select_related("recipient_organisation")
        .filter(pk=parsed, case=case)
        .first()
        if parsed
        else None
    )
    refused = NotAllowed(
        _(
            "Choose a live consent of this person, for return or assistance, given for "
            "a national coordinator or an international organisation: only such a "
            "consent covers a cross-border hand-over."
        ),
        code=ErrorCode.CONSENT_NOT_COVERING,
        field="consent",
    )
    if consent is None:
        raise refused
    if consent.withdrawn_at is not None:
        raise refused
    if consent.purpose not in COVERING_PURPOSES:
        raise refused
    if _recipient_type(consent) not in FOCAL_POINT_TYPES:
        raise refused
    return consent


def _consent_record(consent: Consent) -> dict[str, Any]:
    return {
        "consent_id": str(consent.id),
        "purpose": consent.purpose,
        "field_groups": sorted(consent.field_groups),
        "recipient_type": _recipient_type(consent),
        "given_on": consent.given_on.isoformat(),
        "given_by": consent.given_by,
        "language": consent.language,
        "information_given": consent.information_given,
    }


def _assessments(*, actor: User, case: Case, consent: Consent) -> list[dict[str, Any]]:
    if FieldGroup.ASSESSMENT not in consent.field_groups:
        return []
    history = assessment_selectors.assessments_for_case(
        user=actor, case_id=case.id, purpose=consent.purpose
    )
    shared = []
    for kind in history.kinds:
        latest = kind.latest
        if latest is None:
            continue
        shared.append(
            {
                "kind": latest.kind,
                "version": latest.version,
                "assessed_on": latest.assessed_on.isoformat(),
                "sections": {s.key: {"level": s.level, "note": s.note} for s in latest.sections},
                "person_view": latest.person_view,
            }
        )
    return shared


def _referral_payload(
    *, actor: User, case: Case, consent: Consent, stage: str, today: date
) -> dict[str, Any]:
    # HTCDS names where the standard has them (type_of_exploitation,
    # referring_organisation, outgoing_referral_date); Haven's names elsewhere.
    assert actor.organisation is not None  # noqa: S101 - checked by _require_lead
    return {
        "case_reference": case.reference,
        "stage": stage,
        "referring_organisation": actor.organisation.name,
        "outgoing_referral_date": today.isoformat(),
        "identification_status": case.identification_status,
        "type_of_exploitation": sorted(case.forms_of_exploitation),
        "treat_as_child": case.person.treat_as_child,
        "consent": _consent_record(consent),
        "assessments": _assessments(actor=actor, case=case, consent=consent),
    }


def _header(
    *, kind: str, own: packages.OwnKeys, partner: FocalPointKey, now: datetime
) -> packages.Header:
    created = now.replace(microsecond=0)
    return packages.Header(
        package_id=uuid.uuid4(),
        kind=kind,
        sender=own.focal_point_id,
        recipient=partner.focal_point_id,
        created_at=created,
        expires_at=created + timedelta(days=settings.HAVEN_CROSSBORDER_PACKAGE_DAYS),
    )


def _partner(partner_id: object) -> FocalPointKey:
    try:
        parsed = uuid.UUID(str(partner_id))
    except ValueError:
        parsed = None
    partner = FocalPointKey.objects.filter(pk=parsed, is_own=False).first() if parsed else None
    if partner is None:
        raise PartnerNotFound(_("No partner focal point with this reference is registered."))
    return partner


@transaction.atomic
def crossborder_export(
    *,
    actor: User,
    case_id: object,
    partner_id: object,
    stage: str,
    consent_id: object,
    now: datetime | None = None,
) -> Exported:
    """Make the referral package for a partner focal point and record the transfer."""
    own = own_keys()
    now = now or timezone.now()
    case, context = case_selectors.case_get_with_context(
        user=actor, case_id=case_id, for_update=True
    )
    _require_lead(actor=actor, context=context)
    if case.person.erased_at is not None:
        raise Conflict(_("This person's data was erased."), code=ErrorCode.PERSON_ERASED)
    if stage not in STAGES:
        raise InvalidInput(_("Choose one of the five stages."), field="stage")
    partner = _partner(partner_id)
    consent = _covering_consent(case=case, consent_id=consent_id)
    payload = _referral_payload(
        actor=actor, case=case, consent=consent, stage=stage, today=timezone.localdate(now)
    )
    header = _header(kind=packages.KIND_REFERRAL, own=own, partner=partner, now=now)
    text = packages.seal(
        header=header,
        payload=payload,
        sender=own,
        recipient_encryption_key=partner.encryption_public_key,
    )
    transfer = CrossBorderTransfer.objects.create(
        package_id=header.package_id,
        direction=CrossBorderTransfer.Direction.OUTGOING,
        case=case,
        partner=partner,
        stage=stage,
        created_at=header.created_at,
        expires_at=header.expires_at,
    )
    shared = [FieldGroup.ASSESSMENT] if payload["assessments"] else []
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="referrals.CrossBorderTransfer",
        object_id=transfer.id,
        person_id=case.person_id,
        field_groups=[*shared, FieldGroup.STATISTICAL],
        purpose=consent.purpose,
        detail={"partner": partner.focal_point_id, "stage": stage, "direction": "outgoing"},
    )
    return Exported(transfer=transfer, package=text)


# --- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """A verified, decrypted package: what import would create."""

    header: packages.Header
    partner: FocalPointKey
    payload: dict[str, Any]
    assessments: list[dict[str, Any]] = field(default_factory=list)
    # Why this user opens it (access.policy.rule_focal_point_package).
    decision: access_policy.Decision | None = None

    @property
    def kind(self) -> str:
        return self.header.kind


def _check_referral(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The shape of a referral payload; a signed but malformed one is refused whole."""
    invalid = InvalidInput(
        _("This package does not carry a valid referral."), code=ErrorCode.PACKAGE_INVALID
    )
    wanted = {"case_reference", "stage", "type_of_exploitation", "treat_as_child", "consent"}
    if not wanted <= set(payload) or payload["stage"] not in STAGES:
        raise invalid
    assessments = payload.get("assessments", [])
    if not isinstance(assessments, list) or not isinstance(payload["consent"], dict):
        raise invalid
    for item in assessments:
        if not isinstance(item, dict) or item.get("kind") not in AssessmentKind.values:
            raise invalid
        if not isinstance(item.get("sections"), dict):
            raise invalid
    return assessments


def _receive(*, actor: User, package: str | dict[str, Any], now: datetime) -> Received:
    reader = access_policy.rule_focal_point_package(user=actor)
    if not reader.allowed:
        raise NotAllowed(str(reader.reason), code=reader.code)
    own = own_keys()
    envelope = packages.envelope_parse(package)
    header = envelope.header
    partner = FocalPointKey.objects.filter(focal_point_id=header.sender, is_own=False).first()
    if partner is None:
        raise UnknownSender(
            _("The sender of this package is not a registered partner focal point.")
        )
    packages.signature_verify(envelope, signing_public_key=partner.signing_public_key)
    decision = access_policy.rule_focal_point_package(
        user=actor, recipient=header.recipient, focal_point_id=own.focal_point_id
    )
    if not decision.allowed:
        raise PackageMisaddressed(str(decision.reason), code=decision.code)
    if now >= header.expires_at:
        raise PackageExpired(_("This package has expired: ask the sender for a new one."))
    if CrossBorderTransfer.objects.filter(package_id=header.package_id).exists():
        raise PackageReplayed(_("This package was already imported."))
    payload = packages.payload_open(envelope, own=own)
    assessments = _check_referral(payload) if header.kind == packages.KIND_REFERRAL else []
    return Received(
        header=header,
        partner=partner,
        payload=payload,
        assessments=assessments,
        decision=decision,
    )


def _preview_audit(*, actor: User, received: Received) -> None:
    """The read of a referral package: the package, the groups it carries (as on
    export: the assessments, if any, and the statistical facts)."""
    assert received.decision is not None  # noqa: S101 - _receive decides
    groups = [FieldGroup.ASSESSMENT] if received.assessments else []
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.READ,
        object_type=PACKAGE_SUBJECT,
        object_id=received.header.package_id,
        field_groups=[*groups, FieldGroup.STATISTICAL],
        purpose=Purpose.ASSISTANCE,
        detail=_read_detail(received),
    )


def _acknowledgement_audit(
    *, actor: User, received: Received, transfer: CrossBorderTransfer
) -> None:
    """The read of an acknowledgement: the transfer it acknowledges (ids and a time)."""
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.READ,
        object_type="referrals.CrossBorderTransfer",
        object_id=transfer.id,
        person_id=transfer.case.person_id if transfer.case else "",
        purpose=Purpose.ASSISTANCE,
        detail=_read_detail(received),
    )


def _read_detail(received: Received) -> dict[str, Any]:
    assert received.decision is not None  # noqa: S101 - _receive decides
    return {
        "package_id": str(received.header.package_id),
        "kind": received.kind,
        "partner": received.partner.focal_point_id,
        "rule": received.decision.code,
    }


@transaction.atomic
def crossborder_preview(
    *, actor: User, package: str | dict[str, Any], now: datetime | None = None
) -> Received:
    """Verify and decrypt without creating anything: what import would create.
    The read is audited in the same transaction (every read of personal data)."""
    received = _receive(actor=actor, package=package, now=now or timezone.now())
    if received.kind == packages.KIND_ACKNOWLEDGEMENT:
        transfer = _acknowledged_transfer(received)
        _acknowledgement_audit(actor=actor, received=received, transfer=transfer)
    else:
        _preview_audit(actor=actor, received=received)
    return received


@dataclass(frozen=True)
class Imported:
    kind: str
    transfer: CrossBorderTransfer
    case: Case | None  # the case created (referral), or None (acknowledgement)


def _note(received: Received) -> str:
    payload = received.payload
    consent = payload["consent"]
    return _(
        "Received from the focal point %(partner)s (%(country)s) as a cross-border referral, "
        "stage %(stage)s. Case reference there: %(reference)s. Identification status there: "
        "%(status)s.\nConsent record: purpose %(purpose)s; field groups %(groups)s; given on "
        "%(given_on)s by %(given_by)s, in language %(language)s. Information given: %(info)s"
    ) % {
        "partner": received.partner.organisation_name,
        "country": received.partner.country,
        "stage": payload["stage"],
        "reference": payload["case_reference"],
        "status": payload.get("identification_status", ""),
        "purpose": consent.get("purpose", ""),
        "groups": ", ".join(consent.get("field_groups", [])),
        "given_on": consent.get("given_on", ""),
        "given_by": consent.get("given_by", ""),
        "language": consent.get("language", ""),
        "info": consent.get("information_given", ""),
    }


def _assessment_record(
    *, actor: User, case: Case, item: dict[str, Any], today: date, recorded: dict[str, int]
) -> None:
    """One assessment of the package, on the version of its kind recorded before it
    (``recorded``, by kind, moved on here: the case was opened by this import)."""
    try:
        assessed_on = min(date.fromisoformat(str(item["assessed_on"])), today)
    except (KeyError, ValueError):
        raise InvalidInput(
            _("This package does not carry a valid referral."), code=ErrorCode.PACKAGE_INVALID
        ) from None
    assessment = assessment_services.assessment_record(
        actor=actor,
        case_id=case.id,
        kind=item["kind"],
        assessed_on=assessed_on,
        sections={
            key: (str(answer.get("level", "")), str(answer.get("note", "")))
            for key, answer in item["sections"].items()
        },
        person_view=str(item.get("person_view", "")),
        based_on_version=recorded.get(item["kind"], 0),
        trigger=AssessmentTrigger.INITIAL,
    )
    recorded[assessment.kind] = assessment.version


def _import_referral(*, actor: User, received: Received, now: datetime) -> Imported:
    payload = received.payload
    child = payload["treat_as_child"] is True
    case = case_services.case_open(
        actor=actor,
        person=case_services.PersonInput(
            age_status=AgeStatus.UNCERTAIN_PRESUMED_CHILD if child else AgeStatus.UNCERTAIN
        ),
        forms_of_exploitation=list(payload["type_of_exploitation"]),
        narrative=_note(received),
    )
    recorded: dict[str, int] = {}
    for item in received.assessments:
        _assessment_record(
            actor=actor, case=case, item=item, today=timezone.localdate(now), recorded=recorded
        )
    transfer = CrossBorderTransfer.objects.create(
        package_id=received.header.package_id,
        direction=CrossBorderTransfer.Direction.INCOMING,
        case=case,
        partner=received.partner,
        stage=payload["stage"],
        created_at=received.header.created_at,
        expires_at=received.header.expires_at,
    )
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.CREATE,
        object_type="referrals.CrossBorderTransfer",
        object_id=transfer.id,
        person_id=case.person_id,
        field_groups=[FieldGroup.ASSESSMENT] if received.assessments else [],
        purpose=Purpose.ASSISTANCE,
        detail={
            "partner": received.partner.focal_point_id,
            "stage": payload["stage"],
            "direction": "incoming",
        },
    )
    return Imported(kind=packages.KIND_REFERRAL, transfer=transfer, case=case)


def _acknowledged_transfer(received: Received) -> CrossBorderTransfer:
    try:
        package_id = uuid.UUID(str(received.payload.get("acknowledges", "")))
    except ValueError:
        package_id = None
    transfer = (
        CrossBorderTransfer.objects.select_for_update()
        .filter(
            package_id=package_id,
            direction=CrossBorderTransfer.Direction.OUTGOING,
            partner=received.partner,
        )
        .first()
        if package_id
        else None
    )
    if transfer is None:
        raise TransferNotFound(_("This acknowledgement is for no transfer sent from here."))
    if transfer.acknowledged_at is not None:
        raise PackageReplayed(_("This transfer was already acknowledged."))
    return transfer


def _import_acknowledgement(*, actor: User, received: Received, now: datetime) -> Imported:
    transfer = _acknowledged_transfer(received)
    transfer.acknowledged_at = now
    transfer.save(update_fields=["acknowledged_at"])
    return Imported(kind=packages.KIND_ACKNOWLEDGEMENT, transfer=transfer, case=None)


@transaction.atomic
def crossborder_import(
    *, actor: User, package: str | dict[str, Any], now: datetime | None = None
) -> Imported:
    """Import a package: everything it creates, or nothing."""
    now = now or timezone.now()
    received = _receive(actor=actor, package=package, now=now)
    if received.kind == packages.KIND_ACKNOWLEDGEMENT:
        return _import_acknowledgement(actor=actor, received=received, now=now)
    return _import_referral(actor=actor, received=received, now=now)


# --- acknowledgement and its sweep --------------------------------------------------------


@transaction.atomic
def crossborder_acknowledge(
    *, actor: User, transfer_id: object, now: datetime | None = None
) -> Exported:
    """The acknowledgement package of an imported referral, for its sender."""
    own = own_keys()
    now = now or timezone.now()
    try:
        parsed = uuid.UUID(str(transfer_id))
    except ValueError:
        parsed = None
    transfer = (
        CrossBorderTransfer.objects.select_related("partner")
        .filter(pk=parsed, direction=CrossBorderTransfer.Direction.INCOMING)
        .first()
        if parsed
        else None
    )
    missing = TransferNotFound(_("No transfer with this reference is available to you."))
    if transfer is None or transfer.case_id is None:
        raise missing
    try:
        case = case_selectors.case_get(user=actor, case_id=transfer.case_id, for_update=True)
    except case_errors.CaseNotFound:
        raise missing from None
    header = _header(kind=packages.KIND_ACKNOWLEDGEMENT, own=own, partner=transfer.partner, now=now)
    payload = {
        "acknowledges": str(transfer.package_id),
        "acknowledged_at": packages.timestamp(now),
        "case_reference": case.reference,
    }
    text = packages.seal(
        header=header,
        payload=payload,
        sender=own,
        recipient_encryption_key=transfer.partner.encryption_public_key,
    )
    if transfer.acknowledged_at is None:
        transfer.acknowledged_at = now
        transfer.save(update_fields=["acknowledged_at"])
    audit.audit_record(
        actor=audit.actor_of(actor),
        action=Action.UPDATE,
        object_type="referrals.CrossBorderTransfer",
        object_id=transfer.id,
        person_id=case.person_id,
        purpose=Purpose.ASSISTANCE,
        detail={"partner": transfer.partner.focal_point_id, "acknowledged": True},
    )
    return Exported(transfer=transfer, package=text)


def _sender_staff(transfer: CrossBorderTransfer) -> list[User]:
    if transfer.case_id is None:
        return []
    lead = next((m for m in access_policy.team_of(case_id=transfer.case_id) if m.is_lead), None)
    if lead is None:
        return []
    return list(
        User.objects.filter(
            organisation_id=lead.organisation_id, is_active=True, role__in=CASE_ROLES
        )
    )


@transaction.atomic
def crossborder_sweep(*, now: datetime) -> int:
    """Alert the sender's staff once for each transfer not acknowledged within
    HAVEN_CROSSBORDER_ACK_HOURS (R-50). Returns how many transfers were alerted."""
    cutoff = now - timedelta(hours=settings.HAVEN_CROSSBORDER_ACK_HOURS)
    due = CrossBorderTransfer.objects.select_for_update().filter(
        direction=CrossBorderTransfer.Direction.OUTGOING,
        acknowledged_at__isnull=True,
        alerted_at__isnull=True,
        created_at__lte=cutoff,
    )
    count = 0
    for transfer in due:
        notify_module.notify(
            recipients=_sender_staff(transfer),
            kind="desk",
            event="acknowledgement_missing",
            subject_id=str(transfer.id),
        )
        transfer.alerted_at = now
        transfer.save(update_fields=["alerted_at"])
        count += 1
    return count
