"""Referral forms, one module per page family as the views are split: ``referrals``
(referrals and lead transfers, R-47), ``desk`` (the coordination desk and the public
concern report), ``directory`` (the service directory) and ``crossborder``.

They check shape and size only; the services hold the rules.
"""

from haven.referrals.forms.crossborder import ExportForm, ImportForm, PartnerForm
from haven.referrals.forms.desk import (
    AdviseForm,
    CaseFromDeskForm,
    CloseForm,
    ConsultationForm,
    ReportForm,
)
from haven.referrals.forms.directory import DirectoryEntryForm, DirectorySearchForm
from haven.referrals.forms.referrals import (
    AccessRefuseForm,
    AccessRequestForm,
    AnswerForm,
    CheckForm,
    DeclineForm,
    EmptyForm,
    LeadDeclineForm,
    LeadTransferForm,
    QuestionForm,
    ReferralForm,
    WithdrawForm,
)

__all__ = [
    "AccessRefuseForm",
    "AccessRequestForm",
    "AdviseForm",
    "AnswerForm",
    "CaseFromDeskForm",
    "CheckForm",
    "CloseForm",
    "ConsultationForm",
    "DeclineForm",
    "DirectoryEntryForm",
    "DirectorySearchForm",
    "EmptyForm",
    "ExportForm",
    "ImportForm",
    "LeadDeclineForm",
    "LeadTransferForm",
    "PartnerForm",
    "QuestionForm",
    "ReferralForm",
    "ReportForm",
    "WithdrawForm",
]
