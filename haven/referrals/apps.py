from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "haven.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # Register the notification events this app sends and the sweeps it runs.
        from haven.referrals import clocks

        clocks.register()
