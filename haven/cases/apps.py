from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haven.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # The rules the case pages refuse with, for the templates that offer their links.
        from haven.accounts import rules
        from haven.cases import selectors

        rules.register("cases.open", selectors.may_open_case)
        rules.register_object("cases.read_access_report", selectors.may_read_access_report_of)
        rules.register_object("cases.erasure", selectors.may_open_erasure_page_of)
