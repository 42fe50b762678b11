from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "haven.justice"
    label = "justice"
    verbose_name = "Justice"

    def ready(self) -> None:
        # Register this app's deadline kind.
        from haven.justice import clocks

        clocks.register()
