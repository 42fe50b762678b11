"""The sharing tables name their rows by ids and agreement names only: no personal data."""

from __future__ import annotations

import uuid

from haven.access.models import (
    Agreement,
    AgreementFlow,
    AgreementParty,
    BreakGlass,
    Consent,
    LegalBasis,
)


def test_it_names_rows_without_personal_data() -> None:
    # given
    row_id = uuid.uuid4()
    agreement = Agreement(id=row_id, name="Helsinki police and NGO 2026")

    # when
    names = [
        str(Consent(id=row_id)),
        str(agreement),
        str(AgreementParty(agreement=agreement)),
        str(AgreementFlow(agreement=agreement)),
        str(BreakGlass(id=row_id)),
        str(LegalBasis(title="Referral Act", citation="Referral Act, s. 6")),
    ]

    # then
    assert names == [
        f"consent {row_id}",
        "Helsinki police and NGO 2026",
        f"party of {row_id}",
        f"flow of {row_id}",
        f"break-glass {row_id}",
        "Referral Act (Referral Act, s. 6)",
    ]
