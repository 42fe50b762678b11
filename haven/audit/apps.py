from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "haven.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # accounts cannot import the trail (the trail imports accounts): it tells of
        # token revocations and profile changes through its hooks.
        from haven.accounts import hooks as account_hooks
        from haven.audit import services

        account_hooks.on_tokens_revoked(services.tokens_revoked_record)
        account_hooks.on_profile_changed(services.profile_changed_record)
