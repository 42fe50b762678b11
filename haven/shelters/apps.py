from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "haven.shelters"
    label = "shelters"
    verbose_name = "Shelters"
