from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "haven.shelters"
    label = "shelters"
    verbose_name = "Shelters"

    def ready(self) -> None:
        from haven.accounts import rules
        from haven.referrals import hooks as referral_hooks
        from haven.shelters import policy
        from haven.shelters.services import placements

        # The place and capacity pages refuse with these rules; the menu asks the same.
        rules.register("shelters.keep_places", policy.may_keep_places)
        rules.register("shelters.capacity", policy.may_read_capacity)
        rules.register("shelters.answer_placements", policy.may_answer_placements)
        rules.register("shelters.list_places", policy.may_list_places)
        rules.register_object("shelters.manage_place", policy.may_manage_place)
        # A placement request is a referral: the placement follows the shelter's
        # answer and the case lead's withdrawal, from whichever page they come.
        referral_hooks.on_referral_answered(placements.placement_follow_answer)
        referral_hooks.on_referral_withdrawn(placements.placement_follow_withdrawal)
