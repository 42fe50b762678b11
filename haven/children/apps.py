from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "haven.children"
    label = "children"
    verbose_name = "Children"
