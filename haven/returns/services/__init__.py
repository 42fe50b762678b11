"""Returns writes: country profiles (configuration as data), the return plan with
its risk assessment and warnings (R-30, R-31), the reintegration plan and the
follow-up after return (R-32). One transaction each, audited inside it; free text
encrypted under the person's data key."""

from haven.returns.services.follow_ups import follow_up_record
from haven.returns.services.plans import (
    TEXT_MAX,
    PlanInput,
    return_plan_create,
    return_plan_transition,
    return_plan_update,
    return_warning_acknowledge,
)
from haven.returns.services.profiles import (
    ProfileInput,
    country_profile_update,
    country_profiles_load,
    country_profiles_load_shipped,
)
from haven.returns.services.reintegration import (
    reintegration_goal_add,
    reintegration_goal_update,
)

__all__ = [
    "TEXT_MAX",
    "PlanInput",
    "ProfileInput",
    "country_profile_update",
    "country_profiles_load",
    "country_profiles_load_shipped",
    "follow_up_record",
    "reintegration_goal_add",
    "reintegration_goal_update",
    "return_plan_create",
    "return_plan_transition",
    "return_plan_update",
    "return_warning_acknowledge",
]
