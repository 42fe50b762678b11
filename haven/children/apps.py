from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "haven.children"
    label = "children"
    verbose_name = "Children"

    def ready(self) -> None:
        # Register this app's deadline kinds and the clocks a case's lifecycle starts.
        from haven.access import hooks as access_hooks
        from haven.cases import hooks
        from haven.children import clocks, selectors

        clocks.register()
        # cases asks children whether an age assessment was recorded.
        hooks.provide_age_assessment(selectors.recorded_age_assessment)
        # Access asks whether a child has a guardian before a guardian consents.
        access_hooks.provide_guardian_check(selectors.guardian_appointed_now)
