from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "haven.linkage"
    label = "linkage"
    verbose_name = "Linkage"
