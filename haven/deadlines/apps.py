from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "haven.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"

    def ready(self) -> None:
        # Break-glass (access, below this app) tells the case lead and the national
        # coordinator through this app's notifications.
        from haven.access import hooks as access_hooks
        from haven.deadlines import agreements, notify

        access_hooks.on_break_glass_used(notify.break_glass_notify)
        # Agreements about to end are told to their parties with the sweep.
        agreements.register()
