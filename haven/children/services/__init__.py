"""Children writes: guardian appointment (R-11), best-interests assessment and
determination (R-25, R-27), age assessment (R-10), family tracing (R-11) and dependants (R-27). One
transaction each, audited inside it; free text encrypted under the person's data key.
"""

from haven.children.checks import TEXT_MAX
from haven.children.services.age import (
    AgeAssessmentInput,
    age_appeal_record,
    age_assessment_record,
    age_new_information_record,
)
from haven.children.services.best_interests import best_interests_record
from haven.children.services.dependants import dependant_add, dependant_update_education
from haven.children.services.family_tracing import family_tracing_start, family_tracing_update
from haven.children.services.guardians import CONTACT_MAX, NAME_MAX, guardian_appoint

__all__ = [
    "CONTACT_MAX",
    "NAME_MAX",
    "TEXT_MAX",
    "AgeAssessmentInput",
    "age_appeal_record",
    "age_assessment_record",
    "age_new_information_record",
    "best_interests_record",
    "dependant_add",
    "dependant_update_education",
    "family_tracing_start",
    "family_tracing_update",
    "guardian_appoint",
]
