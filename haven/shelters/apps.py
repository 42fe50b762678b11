from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "haven.shelters"
    label = "shelters"
    verbose_name = "Shelters"

    def ready(self) -> None:
        # A placement request is a referral: the placement follows the shelter's
        # answer and the case lead's withdrawal, from whichever page they come.
        from haven.referrals import hooks as referral_hooks
        from haven.shelters.services import placements

        referral_hooks.on_referral_answered(placements.placement_follow_answer)
        referral_hooks.on_referral_withdrawn(placements.placement_follow_withdrawal)
