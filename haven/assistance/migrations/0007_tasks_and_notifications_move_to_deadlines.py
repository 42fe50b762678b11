"""Tasks and notifications now belong to the deadlines app (issue 9): they leave
assistance's state only; their tables and rows stay, and deadlines renames them.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assistance', '0006_referral_and_desk_notifications'),
        ('deadlines', '0001_tasks_and_notifications_from_assistance'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='task',
                    name='assigned_organisation',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='assigned_user',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='closed_by',
                ),
                migrations.DeleteModel(
                    name='Notification',
                ),
                migrations.DeleteModel(
                    name='Task',
                ),
            ],
            database_operations=[],
        ),
    ]
