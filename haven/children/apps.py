from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "haven.children"
    label = "children"
    verbose_name = "Children"

    def ready(self) -> None:
        # Register this app's deadline kinds and the clocks a case's lifecycle starts.
        from haven.children import clocks

        clocks.register()
