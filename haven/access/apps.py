from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "haven.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        # The break-glass page refuses with this rule; its links ask the same one.
        from haven.access.selectors import break_glass
        from haven.accounts import rules

        rules.register("access.use_break_glass", break_glass.may_use_break_glass)
