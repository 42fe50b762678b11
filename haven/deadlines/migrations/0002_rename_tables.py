"""The moved tables take their new app's names (their rows, indexes and keys stay)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assistance', '0007_tasks_and_notifications_move_to_deadlines'),
        ('deadlines', '0001_tasks_and_notifications_from_assistance'),
    ]

    operations = [
        migrations.AlterModelTable(name='task', table=None),
        migrations.AlterModelTable(name='notification', table=None),
    ]
