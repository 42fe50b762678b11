"""The state machines of proceedings and compensation claims (style rule 13).

A proceeding moves between its stages in any order while it runs (a case goes
back to the investigators, a trial is appealed, an appeal sends it back to
trial); ``ended`` is final and is reached with an outcome. A compensation claim
(R-36) is prepared, filed, awarded and paid; a refused claim may be filed again
(an appeal); a paid or withdrawn claim is final.
"""

from __future__ import annotations

from haven.justice.models import ClaimStatus, ProceedingStage
from haven.lib.states import TransitionTable

P = ProceedingStage
_RUNNING = (P.INVESTIGATION, P.PROSECUTION, P.TRIAL, P.APPEAL)

STAGE_TRANSITIONS: TransitionTable[ProceedingStage] = TransitionTable(
    ProceedingStage,
    {
        **{stage: {*(s for s in _RUNNING if s != stage), P.ENDED} for stage in _RUNNING},
        P.ENDED: set(),
    },
)

C = ClaimStatus

CLAIM_TRANSITIONS: TransitionTable[ClaimStatus] = TransitionTable(
    ClaimStatus,
    {
        C.PREPARING: {C.FILED, C.WITHDRAWN},
        C.FILED: {C.AWARDED, C.REFUSED, C.WITHDRAWN},
        C.AWARDED: {C.PAID, C.WITHDRAWN},
        C.REFUSED: {C.FILED},
        C.PAID: set(),
        C.WITHDRAWN: set(),
    },
)
