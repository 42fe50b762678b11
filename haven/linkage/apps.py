from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "haven.linkage"
    label = "linkage"
    verbose_name = "Linkage"

    def ready(self) -> None:
        # The search before create: the index kept with each identity written, the
        # check intake may require, the region of the intake page, the keys erased
        # with the person (and again after a restore), the coordinator's task kind.
        from haven.accounts import rules
        from haven.cases import hooks as case_hooks
        from haven.linkage import clocks, selectors, services, views
        from haven.linkage.selectors import review as review_selectors
        from haven.vault import hooks as vault_hooks

        clocks.register()
        # The coordination desk links to the review queue for those who may use it.
        rules.register("linkage.review", review_selectors.may_review)
        case_hooks.on_case_opening(selectors.search_check)
        case_hooks.on_person_identity_written(services.identity_indexed)
        case_hooks.on_person_erased(services.person_keys_erase)
        case_hooks.provide_intake_region(views.intake_region)
        vault_hooks.on_keys_shredded(services.persons_keys_erase_again)
