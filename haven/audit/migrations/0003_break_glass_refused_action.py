from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_break_glass_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("read", "read"),
                    ("create", "created"),
                    ("update", "changed"),
                    ("transition", "changed status"),
                    ("erase", "erased"),
                    ("report", "viewed the access report"),
                    ("break_glass", "opened by break-glass"),
                    ("break_glass_refused", "was refused break-glass"),
                ],
                max_length=20,
            ),
        ),
    ]
