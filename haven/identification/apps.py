from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "haven.identification"
    label = "identification"
    verbose_name = "Identification"
