from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "haven.shelters"
    label = "shelters"
    verbose_name = "Shelters"

    def ready(self) -> None:
        from haven.accounts import rules
        from haven.shelters import policy

        # The place and capacity pages refuse with these rules; the menu asks the same.
        rules.register("shelters.keep_places", policy.may_keep_places)
        rules.register("shelters.capacity", policy.may_read_capacity)
        rules.register("shelters.list_places", policy.may_list_places)
        rules.register_object("shelters.manage_place", policy.may_manage_place)
