"""Tasks and notifications move from assistance to their own app (issue 9).

The rows stay where they are: this migration only tells Django's state that the
tables ``assistance_task`` and ``assistance_notification`` now belong to
``deadlines``; the next one renames them.
"""

import django.db.models.deletion
import haven.deadlines.kinds
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('access', '0003_consents_agreements_break_glass'),
        ('assistance', '0006_referral_and_desk_notifications'),
        ('accounts', '0001_initial'),
        ('cases', '0003_case_status_changed_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Task',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('kind', models.CharField(choices=haven.deadlines.kinds.choices, max_length=40)),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('due_at', models.DateTimeField()),
                        ('remind_at', models.DateTimeField()),
                        ('blocking', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('open', 'open'), ('done', 'done'), ('cancelled', 'cancelled')], default='open', max_length=20)),
                        ('created_at', models.DateTimeField()),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('reminded_at', models.DateTimeField(blank=True, null=True)),
                        ('escalated_at', models.DateTimeField(blank=True, null=True)),
                        ('assigned_organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='accounts.organisation')),
                        ('assigned_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='cases.case')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['due_at'],
                        'db_table': 'assistance_task',
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('reminder', 'Reminder'), ('escalation', 'Escalation'), ('break_glass', 'Emergency access (break-glass)'), ('referral', 'Referral'), ('desk', 'Coordination desk')], max_length=20)),
                        ('event', models.CharField(blank=True, max_length=40)),
                        ('subject_id', models.CharField(blank=True, max_length=36)),
                        ('created_at', models.DateTimeField()),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('break_glass', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='access.breakglass')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='deadlines.task')),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'db_table': 'assistance_notification',
                    },
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['status', 'remind_at'], name='task_remind_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['status', 'due_at'], name='task_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['assigned_organisation', 'status', 'due_at'], name='task_org_idx'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(condition=models.Q(('task__isnull', False)), fields=('recipient', 'task', 'kind'), name='notification_once'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.UniqueConstraint(condition=models.Q(('break_glass__isnull', False)), fields=('recipient', 'break_glass'), name='notification_break_glass_once'),
                ),
                migrations.AddConstraint(
                    model_name='notification',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('break_glass__isnull', True), ('case__isnull', True), ('kind__in', ['reminder', 'escalation']), ('task__isnull', False)), models.Q(('break_glass__isnull', False), ('case__isnull', False), ('kind', 'break_glass'), ('task__isnull', True)), models.Q(('break_glass__isnull', True), ('case__isnull', False), ('kind', 'referral'), ('task__isnull', True)), models.Q(('break_glass__isnull', True), ('kind', 'desk'), ('task__isnull', True)), _connector='OR'), name='notification_one_subject'),
                ),
            ],
            database_operations=[],
        ),
    ]
