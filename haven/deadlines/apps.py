from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "haven.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"

    def ready(self) -> None:
        # Break-glass (access, below this app) tells the case lead and the national
        # coordinator through this app's notifications.
        from haven.access import hooks as access_hooks
        from haven.cases import drafts
        from haven.deadlines import agreements, erasure, kinds, notify

        access_hooks.on_break_glass_used(notify.break_glass_notify)
        # Agreements: each step is told to the other parties, and those about
        # to end are told with the sweep.
        access_hooks.on_agreement_changed(agreements.agreement_notify)
        agreements.register()
        # Drafts of long forms hold personal data: gone once their days are up (issue 11).
        kinds.sweep_register(
            "drafts_purged",
            lambda now: drafts.drafts_purge_expired(now=now),
            label="expired drafts deleted",
        )
        # Erasure requests (cases, below this app): the second approver's task.
        erasure.register()
