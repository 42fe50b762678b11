from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "haven.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # Register the notification events this app sends and the sweeps it runs.
        from haven.accounts import rules
        from haven.referrals import clocks
        from haven.referrals.selectors import desk

        clocks.register()
        # The desk refuses with this rule; the menu asks the same one.
        rules.register("referrals.work_desk", desk.may_work_desk)
