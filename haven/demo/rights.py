"""A Vietnamese-speaking man told his rights in Vietnamese (R-24): his case, opened by
the Finnish NGO, records that he needs an interpreter, an interview planned with an
interpreting service, a decision planned in two days with none booked yet (the case
page warns of it), and the rights leaflet given in Vietnamese, read with the
interpreter. Everything goes through the real services; the names are demo names."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from haven.accounts.models import OrgType, Role, User
from haven.assistance import rights
from haven.assistance.models import InterpreterBooking, RightsForm, RightsVersion
from haven.assistance.services import rights as rights_services
from haven.cases import services as case_services
from haven.cases.models import AgeStatus, Case, ExploitationForm, GenderIdentity, Sex

INTERPRETING = "Demo Interpreting Service"
NARRATIVE = (
    "Came to the NGO's drop-in with a co-worker from a berry farm. Speaks Vietnamese only; "
    "the first conversation was held with a telephone interpreter."
)
INFORMED_CASES = 1  # opened besides the synthetic cases


def seed_rights_informed(*, users: Mapping[tuple[str, str, str], User]) -> Case:
    """Open the case and record his interpretation need, the interpreters planned and
    the information on rights given to him in Vietnamese."""
    caseworker = users[("FI", OrgType.NGO, Role.CASEWORKER)]
    case = case_services.case_open(
        actor=caseworker,
        person=case_services.PersonInput(
            age_status=AgeStatus.VERIFIED_ADULT,
            given_name="Demo Minh",
            family_name="Demo Nguyen",
            estimated_age_min=29,
            estimated_age_max=32,
            sex=Sex.MALE,
            gender_identity=GenderIdentity.MAN,
            citizenships=["VN"],
            languages=["vi"],
        ),
        forms_of_exploitation=[ExploitationForm.LABOUR],
        narrative=NARRATIVE,
    )
    rights_services.interpretation_need_record(
        actor=caseworker,
        case_id=case.id,
        data=rights_services.NeedInput(needed=True, languages=["vi"], interpreter_sex="male"),
    )
    today = timezone.localdate()
    rights_services.interpreter_booking_record(
        actor=caseworker,
        case_id=case.id,
        data=rights_services.BookingInput(
            occasion=InterpreterBooking.Occasion.INTERVIEW,
            planned_on=today + timedelta(days=5),
            language="vi",
            interpreter_organisation=INTERPRETING,
            interpreter_sex="male",
        ),
    )
    rights_services.interpreter_booking_record(
        actor=caseworker,
        case_id=case.id,
        data=rights_services.BookingInput(
            occasion=InterpreterBooking.Occasion.DECISION,
            planned_on=today + timedelta(days=2),
            language="vi",
        ),
    )
    rights_services.rights_information_record(
        actor=caseworker,
        case_id=case.id,
        data=rights_services.RightsInput(
            items=list(rights.ITEMS),
            given_on=today,
            language="vi",
            form=RightsForm.READ_ALOUD,
            version=RightsVersion.STANDARD,
            interpreter_organisation=INTERPRETING,
        ),
    )
    return case
