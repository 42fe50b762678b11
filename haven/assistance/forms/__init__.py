"""Assistance forms, one module per page family as the views are split:
``assessments`` (R-21, R-19), ``permits`` (R-16), ``plans`` (R-19, R-20, R-22) and
``reflection`` (R-15).

They check shape only; the services hold the rules.
"""

from haven.assistance.forms.assessments import AssessmentForm
from haven.assistance.forms.permits import DetentionEndForm, DetentionForm, PermitForm, RenewForm
from haven.assistance.forms.plans import (
    AddServiceForm,
    CloseForm,
    CompleteForm,
    PlanForm,
    RefuseForm,
    ReopenForm,
    ServiceForm,
    StartForm,
    StopForm,
)
from haven.assistance.forms.reflection import EndEarlyForm, ExtendForm

__all__ = [
    "AddServiceForm",
    "AssessmentForm",
    "CloseForm",
    "CompleteForm",
    "DetentionEndForm",
    "DetentionForm",
    "EndEarlyForm",
    "ExtendForm",
    "PermitForm",
    "PlanForm",
    "RefuseForm",
    "RenewForm",
    "ReopenForm",
    "ServiceForm",
    "StartForm",
    "StopForm",
]
