from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haven.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # The rules the case pages refuse with, for the templates that offer their links.
        from haven.access import hooks as access_hooks
        from haven.accounts import rules
        from haven.cases import selectors, services
        from haven.vault import hooks as vault_hooks

        rules.register("cases.open", selectors.may_open_case)
        rules.register_object("cases.read_access_report", selectors.may_read_access_report_of)
        # A restore that destroys erased persons' keys again marks them erased again.
        vault_hooks.on_keys_shredded(services.persons_erased_again)
        rules.register_object("cases.erasure", selectors.may_open_erasure_page_of)
        # A page that loads each case once (``selectors.gate_once``) loads it again
        # after its sharing facts change.
        access_hooks.on_sharing_changed(selectors.forget_gated_cases)
        # The sharing services write on a case without the gate: a merged case refuses.
        access_hooks.provide_case_write_check(selectors.case_write_check)
