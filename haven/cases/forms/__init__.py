"""Case forms: they parse and check the shape of input; the services apply the rules.

One module per page family, as the views are split: ``cases`` (search, intake,
narrative, status), ``sharing`` (purpose and consent), ``interviews`` and
``erasure`` (erasure requests and legal holds).
"""

from haven.cases.forms.cases import CaseIntakeForm, CaseSearchForm, NarrativeForm, TransitionForm
from haven.cases.forms.erasure import ErasureRefuseForm, ErasureRequestForm, LegalHoldForm
from haven.cases.forms.interviews import InterviewForm
from haven.cases.forms.sharing import INFORMATION_GIVEN, ConsentForm, PurposeForm, purpose_form

__all__ = [
    "INFORMATION_GIVEN",
    "CaseIntakeForm",
    "CaseSearchForm",
    "ConsentForm",
    "ErasureRefuseForm",
    "ErasureRequestForm",
    "InterviewForm",
    "LegalHoldForm",
    "NarrativeForm",
    "PurposeForm",
    "TransitionForm",
    "purpose_form",
]
