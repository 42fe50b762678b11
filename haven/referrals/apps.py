from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "haven.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # Register the notification events this app sends and the sweeps it runs.
        from haven.access import hooks as access_hooks
        from haven.accounts import rules
        from haven.cases import hooks as case_hooks
        from haven.referrals import clocks
        from haven.referrals.selectors import access_requests, desk
        from haven.referrals.services import access_requests as access_request_services
        from haven.referrals.services import retention

        clocks.register()
        # The desk refuses with this rule; the menu asks the same one.
        rules.register("referrals.work_desk", desk.may_work_desk)
        # A request for access is offered by the rule its page refuses with, and is
        # granted by the consent that covers it (issue 11).
        rules.register_object("referrals.ask_access", access_requests.may_ask_access)
        access_hooks.on_consent_recorded(access_request_services.access_requests_grant_on_consent)
        # Erasure and retention (issue 12): the desk's records die with the person,
        # and reports closed without action are kept only for their period.
        case_hooks.on_person_erased(retention.desk_keys_destroy)
        case_hooks.provide_retention_class(retention.reports_retention)
