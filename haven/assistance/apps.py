from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "haven.assistance"
    label = "assistance"
    verbose_name = "Assistance"

    def ready(self) -> None:
        # Register this app's deadline kinds and the clocks a case's lifecycle starts.
        from haven.assistance import clocks
        from haven.assistance.services import reflection
        from haven.identification import hooks as identification_hooks

        clocks.register()
        # A decision that starts the reflection period starts it here.
        identification_hooks.on_decision_recorded(reflection.reflection_period_follows)
