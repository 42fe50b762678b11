"""The report for the person as JSON (GET /api/v1/cases/{id}/person-report/,
served by ``haven.web.api`` with the apps' sections): its serializers.

The same content as the printable page (``haven.cases.person_report``), with
slugs beside their labels in the report's language. The case lead only: other
team members get 403 ``field_group_not_allowed``, everyone else the case's 404.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.access import api as access_api
from haven.access.models import FieldGroup
from haven.accounts.models import OrgType
from haven.audit.models import Action
from haven.cases import person_report as report_selectors
from haven.cases.api import cases as case_api


@extend_schema_field({"type": "string", "enum": OrgType.values}, component_name="OrgType")
class OrgTypeField(serializers.ChoiceField):
    """An organisation type (named after the field elsewhere: ``OrgTypeEnum``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=OrgType.choices, **kwargs)


def _groups() -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=FieldGroup.choices))


def _purposes() -> serializers.ListField:
    return serializers.ListField(child=access_api.PurposeField())


class PersonReportQuerySerializer(serializers.Serializer[Any]):
    lang = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        allow_blank=True,
        help_text="The report's language; by default the person's first language where "
        "Haven offers it.",
    )


# --- field groups, without staff names ---------------------------------------------------


class ReportNarrativeEntrySerializer(serializers.Serializer[Any]):
    created_at = serializers.DateTimeField()
    organisation = serializers.CharField()
    text = serializers.CharField()


class ReportNarrativeGroupSerializer(case_api.GroupDecisionSerializer):
    """The person's account, oldest entry first, by organisation."""

    entries = ReportNarrativeEntrySerializer(many=True)


class ReportTransitionSerializer(serializers.Serializer[Any]):
    from_status = serializers.CharField(
        help_text="The status before the decision; empty for the first one, at intake."
    )
    to_status = case_api.IdentificationStatusField()
    to_status_label = serializers.CharField()
    decided_on = serializers.DateField()
    organisation = serializers.CharField()
    legal_basis = serializers.CharField()
    reasons = serializers.CharField()


class ReportLegalGroupSerializer(case_api.GroupDecisionSerializer):
    """Identification status changes with their reasons, by organisation."""

    removal_protected = serializers.BooleanField()
    transitions = ReportTransitionSerializer(many=True)


class ReportFieldGroupsSerializer(serializers.Serializer[Any]):
    """The field groups the case lead holds and may read; a hidden group is absent here."""

    identity = case_api.IdentityGroupSerializer(required=False)
    contact = case_api.ContactGroupSerializer(required=False)
    location = case_api.LocationGroupSerializer(required=False)
    narrative = ReportNarrativeGroupSerializer(required=False)
    health = case_api.HealthGroupSerializer(required=False)
    legal = ReportLegalGroupSerializer(required=False)
    assessment = case_api.AssessmentGroupSerializer(required=False)
    services = case_api.ServicesGroupSerializer(required=False)
    statistical = case_api.StatisticalGroupSerializer(required=False)


# --- the other parts ---------------------------------------------------------------------


class ReportLanguageSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES])
    name = serializers.CharField()
    translated = serializers.BooleanField(
        help_text="False: Haven has no translation into this language yet; the words are English."
    )
    person_language = serializers.CharField(
        help_text="The person's first language (ISO 639-1); empty when not known."
    )
    person_language_offered = serializers.BooleanField()
    chosen_by_caseworker = serializers.BooleanField()


class ReportObservationSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField()
    element = serializers.CharField()
    information_source = serializers.CharField()
    note = serializers.CharField()


class ReportScreeningSerializer(serializers.Serializer[Any]):
    screened_at = serializers.DateTimeField()
    organisation = serializers.CharField()
    indicator_set = serializers.CharField()
    version = serializers.IntegerField()
    outcome = serializers.CharField()
    outcome_words = serializers.CharField()
    observations = ReportObservationSerializer(many=True)


class ReportFactSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="label", help_text="What the fact is, in words.")
    value = serializers.CharField()


class ReportEntrySerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    facts = ReportFactSerializer(many=True)


class ReportScreeningSectionSerializer(serializers.Serializer[Any]):
    shown = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why the case lead cannot show them; else empty.")
    items = ReportScreeningSerializer(many=True)
    entries = ReportEntrySerializer(
        many=True,
        help_text="On a case with several forms of exploitation, the result for each form "
        "with its own indicator list (R-05); empty otherwise.",
    )


class ReportReconsiderationSerializer(serializers.Serializer[Any]):
    requested_on = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    grounds = serializers.CharField()


class ReportDecisionSerializer(serializers.Serializer[Any]):
    decided_on = serializers.DateField()
    decision_type = serializers.CharField()
    type_label = serializers.CharField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
    organisation = serializers.CharField()
    legal_basis = serializers.CharField()
    reasons = serializers.CharField(help_text="Empty once the person's data is erased.")
    served_to_label = serializers.CharField()
    reconsiderations = ReportReconsiderationSerializer(many=True)
    round = serializers.IntegerField(help_text="The round of the identification pathway (R-01).")
    earlier_round = serializers.BooleanField(
        help_text="Taken before the pathway was reopened; kept as history."
    )


class ReportDecisionSectionSerializer(serializers.Serializer[Any]):
    shown = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why the case lead cannot show them; else empty.")
    items = ReportDecisionSerializer(many=True)


class ReportInterviewSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    organisation = serializers.CharField()
    premises = serializers.CharField()
    barnahus_route = serializers.BooleanField()
    readers = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField(
        allow_null=True, help_text="Null when the lead may not read it."
    )
    persons_present = serializers.ListField(child=serializers.CharField())
    hidden_reason = serializers.CharField(help_text="Why the content is not shown; else empty.")


class ReportTeamMemberSerializer(serializers.Serializer[Any]):
    organisation = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)
    is_lead = serializers.BooleanField()
    joined_at = serializers.DateTimeField()


class ReportConsentSerializer(serializers.Serializer[Any]):
    recipient = serializers.CharField(
        help_text="The organisation; empty when the consent is for every organisation of a type."
    )
    recipient_org_type = OrgTypeField()
    purpose = access_api.PurposeField()
    field_groups = _groups()
    given_on = serializers.DateField()
    given_by = serializers.CharField()
    language = serializers.CharField()
    information_given = serializers.CharField()
    child_views = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    live = serializers.BooleanField()


class ReportChildViewsSerializer(serializers.Serializer[Any]):
    """A child's own views heard while no guardian was appointed: not a consent."""

    recipient = serializers.CharField(
        help_text="The organisation; empty when the views are about every organisation of a type."
    )
    recipient_org_type = OrgTypeField()
    purpose = access_api.PurposeField()
    field_groups = _groups()
    heard_on = serializers.DateField()
    language = serializers.CharField()
    information_given = serializers.CharField()
    views = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class ReportFlowSerializer(serializers.Serializer[Any]):
    recipient = serializers.CharField()
    recipient_org_type = OrgTypeField()
    agreement = serializers.CharField()
    document_reference = serializers.CharField()
    legal_basis = serializers.CharField()
    consent_required = serializers.BooleanField()
    valid_from = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    in_force = serializers.BooleanField()
    purposes = _purposes()
    field_groups = _groups()


class ReportAccessEntrySerializer(serializers.Serializer[Any]):
    """One audit event by organisation; staff user names are left out on purpose."""

    occurred_at = serializers.DateTimeField()
    organisation = serializers.CharField(help_text="Empty for Haven itself.")
    org_type = serializers.CharField()
    team_role = serializers.CharField(
        help_text="case_lead, team_member or outside_team; empty for Haven itself."
    )
    action = serializers.ChoiceField(choices=Action.choices)
    action_label = serializers.CharField()
    subject = serializers.CharField(help_text="What it was about, in words; may be empty.")
    kind = serializers.CharField(
        help_text="person_report (a report like this one was produced), break_glass "
        "(emergency access), or empty."
    )
    field_groups = _groups()
    purpose = serializers.CharField()


class ReportBreakGlassSerializer(serializers.Serializer[Any]):
    """One emergency access to the case, by organisation."""

    organisation = serializers.CharField()
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    review = serializers.CharField()
    review_label = serializers.CharField()


class ReportSectionSerializer(serializers.Serializer[Any]):
    """One app's section: what it holds about the person, or why it is not shown."""

    key = serializers.CharField()
    title = serializers.CharField()
    shown = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why the case lead cannot show it; else empty.")
    entries = ReportEntrySerializer(many=True)


class PersonReportSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="case.id")
    reference = serializers.CharField(source="case.reference")
    identification_status = case_api.IdentificationStatusField(source="case.identification_status")
    opened_at = serializers.DateTimeField(source="case.opened_at")
    produced_at = serializers.DateTimeField()
    lead_organisation = serializers.CharField(source="lead_name")
    language = ReportLanguageSerializer()
    erased = serializers.BooleanField()
    erased_at = serializers.DateTimeField(allow_null=True)
    field_groups = ReportFieldGroupsSerializer()
    hidden_field_groups = case_api.HiddenFieldGroupsSerializer()
    screenings = ReportScreeningSectionSerializer()
    decisions = ReportDecisionSectionSerializer()
    interviews = ReportInterviewSerializer(many=True)
    team = ReportTeamMemberSerializer(many=True)
    consents = ReportConsentSerializer(many=True)
    child_views = ReportChildViewsSerializer(
        many=True, help_text="A child's own views heard before a guardian was appointed."
    )
    break_glass = ReportBreakGlassSerializer(many=True)
    agreements = ReportFlowSerializer(many=True, source="flows")
    access_events = ReportAccessEntrySerializer(many=True)
    sections = ReportSectionSerializer(
        many=True,
        source="other_sections",
        help_text="The sections of the other apps: assistance, children, justice, "
        "referrals and deadlines.",
    )


def person_report_body(report: report_selectors.PersonReport) -> dict[str, Any]:
    """Sort the groups into shown (with data) and hidden (with the reason)."""
    shown: dict[str, Any] = {}
    hidden: dict[str, Any] = {}
    for group in report.groups:
        decision = {"code": group.code, "reason": group.reason}
        if group.data is not None:
            shown[group.group] = {**group.data, **decision}
        else:
            hidden[group.group] = decision
    parts = {part.name: getattr(report, part.name) for part in dataclasses.fields(report)}
    sections = {
        "screenings": report.screenings,
        "decisions": report.decisions,
        "other_sections": report.other_sections,
    }
    source = {**parts, **sections, "field_groups": shown, "hidden_field_groups": hidden}
    body: dict[str, Any] = PersonReportSerializer(source).data
    return body
