from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_child_views_without_guardian"),
    ]

    operations = [
        # Uses recorded before the list of reasons existed: "another emergency", their
        # typed justification kept as it was.
        migrations.AddField(
            model_name="breakglass",
            name="reason",
            field=models.CharField(
                choices=[
                    ("immediate_danger", "The person is in immediate danger"),
                    ("medical_emergency", "Medical emergency"),
                    ("person_missing", "The person is missing"),
                    (
                        "lead_unreachable",
                        "An urgent decision is needed and the case lead cannot be reached",
                    ),
                    ("other", "Another emergency (explained below)"),
                ],
                default="other",
                max_length=30,
            ),
            preserve_default=False,
        ),
    ]
