from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "haven.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        # The break-glass page refuses with this rule; its links ask the same one.
        from haven.access.selectors import break_glass
        from haven.access.services import sign_ins
        from haven.accounts import hooks as account_hooks
        from haven.accounts import rules

        rules.register("access.use_break_glass", break_glass.may_use_break_glass)
        # Sign-ins reach the audit trail (accounts cannot import it).
        account_hooks.on_sign_in(sign_ins.sign_in_record)
