from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "haven.identification"
    label = "identification"
    verbose_name = "Identification"

    def ready(self) -> None:
        # Register this app's deadline kinds and the clocks a case's lifecycle starts.
        from haven.identification import clocks

        clocks.register()
