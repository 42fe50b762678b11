"""What assistance consists of: the sections of the two assessments and the
catalogue of service types (R-19, R-21, R-27). Data, not rules: nothing here
decides who may be assisted (that is ``eligibility``), and issue 6's service
directory lists providers by these same service types.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    # CETS Art. 12(1)(a): subsistence, secure accommodation, psychological and material help
    ACCOMMODATION = "accommodation", _("Safe accommodation")
    MATERIAL_ASSISTANCE = "material_assistance", _("Material assistance (food, clothing)")
    FINANCIAL_SUPPORT = "financial_support", _("Financial support")
    # (b) emergency medical treatment; psychological help (Dir Art. 11(5))
    MEDICAL_CARE = "medical_care", _("Medical care")
    PSYCHOLOGICAL_CARE = "psychological_care", _("Psychological care")
    # (c) translation and interpretation
    INTERPRETATION = "interpretation", _("Translation and interpretation")
    # (d) counselling and information on rights and services
    COUNSELLING = "counselling", _("Counselling and information on rights")
    LEGAL_ASSISTANCE = "legal_assistance", _("Legal counselling and representation")
    # (e) help in criminal proceedings
    PROCEEDINGS_SUPPORT = "proceedings_support", _("Support in criminal proceedings")
    # (f) education for children; R-23 training and work; R-27 children's care
    EDUCATION = "education", _("Education")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    EMPLOYMENT_SUPPORT = "employment_support", _("Help to find work")
    CHILD_CARE = "child_care", _("Age-appropriate care for a child")
    FAMILY_SUPPORT = "family_support", _("Support for the family")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    rule: str  # where the section comes from
    services: tuple[ServiceType, ...]  # what a plan usually offers for a need here
    children_only: bool = False


NEEDS_SECTIONS: tuple[Section, ...] = (
    Section(
        "accommodation",
        _("Safe and appropriate accommodation"),
        "R-19 (a)",
        (ServiceType.ACCOMMODATION,),
    ),
    Section(
        "subsistence",
        _("Subsistence and material assistance"),
        "R-19 (a)",
        (ServiceType.MATERIAL_ASSISTANCE, ServiceType.FINANCIAL_SUPPORT),
    ),
    Section("medical", _("Medical care"), "R-19 (b)", (ServiceType.MEDICAL_CARE,)),
    Section(
        "psychological", _("Psychological care"), "R-19 (a)", (ServiceType.PSYCHOLOGICAL_CARE,)
    ),
    Section(
        "interpretation",
        _("Translation and interpretation"),
        "R-19 (c)",
        (ServiceType.INTERPRETATION,),
    ),
    Section(
        "counselling",
        _("Counselling and information on legal rights and services"),
        "R-19 (d)",
        (ServiceType.COUNSELLING, ServiceType.LEGAL_ASSISTANCE),
    ),
    Section(
        "proceedings",
        _("Help to have their rights and interests presented in proceedings"),
        "R-19 (e)",
        (ServiceType.PROCEEDINGS_SUPPORT, ServiceType.LEGAL_ASSISTANCE),
    ),
    Section(
        "education",
        _("Education"),
        "R-19 (f), R-27",
        (ServiceType.EDUCATION,),
        children_only=True,
    ),
    Section(
        "child_care",
        _("Age-appropriate care"),
        "R-27",
        (ServiceType.CHILD_CARE,),
        children_only=True,
    ),
    Section(
        "livelihood",
        _("Livelihood: work, training, income"),
        "R-21, R-23",
        (ServiceType.VOCATIONAL_TRAINING, ServiceType.EMPLOYMENT_SUPPORT),
    ),
    Section(
        "special_needs",
        _("Special needs: pregnancy, health, disability, mental health, violence suffered"),
        "R-21",
        (ServiceType.MEDICAL_CARE, ServiceType.PSYCHOLOGICAL_CARE),
    ),
)

RISK_SECTIONS: tuple[Section, ...] = (
    Section("safety", _("Personal safety"), "R-21", (ServiceType.ACCOMMODATION,)),
    Section(
        "re_trafficking",
        _("Risk of being trafficked again"),
        "R-21",
        (ServiceType.COUNSELLING, ServiceType.EMPLOYMENT_SUPPORT),
    ),
    Section(
        "family_threats",
        _("Threats to the family"),
        "R-21",
        (ServiceType.FAMILY_SUPPORT, ServiceType.PROCEEDINGS_SUPPORT),
    ),
)


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    MET = "met", _("Need already met")
    NEEDED = "needed", _("Needed")
    URGENT = "urgent", _("Urgent")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# Levels that call for a service in the plan that follows an assessment.
NEEDS_CALLING_FOR_SERVICE = frozenset({NeedLevel.NEEDED, NeedLevel.URGENT})
RISKS_CALLING_FOR_SERVICE = frozenset({RiskLevel.MEDIUM, RiskLevel.HIGH})


def sections_for(kind: str, *, child: bool) -> tuple[Section, ...]:
    """The sections of an assessment of ``kind`` (``needs`` or ``risk``) for an adult or a child."""
    sections = NEEDS_SECTIONS if kind == "needs" else RISK_SECTIONS
    return tuple(s for s in sections if child or not s.children_only)
