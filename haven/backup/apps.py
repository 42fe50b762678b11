from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "haven.backup"
    label = "backup"
    verbose_name = "Backup"
