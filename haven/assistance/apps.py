from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "haven.assistance"
    label = "assistance"
    verbose_name = "Assistance"

    def ready(self) -> None:
        # Register this app's deadline kinds and the clocks a case's lifecycle starts.
        from haven.assistance import clocks

        clocks.register()
