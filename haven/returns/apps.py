from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "haven.returns"
    label = "returns"
    verbose_name = "Returns"

    def ready(self) -> None:
        from haven.accounts import rules
        from haven.returns import clocks, policy

        # The country profile pages refuse with this rule; the menu asks the same.
        rules.register("returns.keep_profiles", policy.may_keep_profiles)
        rules.register("returns.read_profiles", policy.may_read_profiles)
        clocks.register()
