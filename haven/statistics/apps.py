from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """Counting without exposing anyone (R-41 to R-46): the Rapporteur's tables, the
    standard exports and the protected releases, read from the ``statistical`` group."""

    name = "haven.statistics"
    label = "statistics"
    verbose_name = "Statistics"

    def ready(self) -> None:
        from haven.accounts import rules
        from haven.statistics import policy

        # The statistics pages refuse with this rule; the menu asks the same one.
        rules.register("statistics.read", policy.may_read_statistics)
