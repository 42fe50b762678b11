"""A deadline sweep queued before the move names its old module: point it at the
new one, so the worker keeps the clock going. Safe to run again."""

from django.db import migrations

OLD = "haven.assistance.tasks.deadline_sweep"
NEW = "haven.deadlines.tasks.deadline_sweep"


def forwards(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    results.objects.filter(task_path=OLD).update(task_path=NEW)


def backwards(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    results.objects.filter(task_path=NEW).update(task_path=OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0002_rename_tables'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
