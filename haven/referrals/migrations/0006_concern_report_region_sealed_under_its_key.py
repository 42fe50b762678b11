"""The public concern form's region is sealed under the report's own key, like its
description (issue 12): it may point at the person, so it must die with the key.
Every report already has a key of its own; existing regions are encrypted in
place (a report whose key is gone keeps none)."""

from typing import Any

from django.db import migrations, models

from haven.vault import services as vault

CONTEXT = "concern_report.region"


def seal(apps: Any, schema_editor: Any) -> None:
    ConcernReport = apps.get_model("referrals", "ConcernReport")
    for report in ConcernReport.objects.exclude(region="").select_related("data_key").iterator():
        key = report.data_key
        report.region_enc = (
            vault.encrypt(key=key, plaintext=report.region, context=CONTEXT)
            if key.destroyed_at is None
            else None
        )
        report.save(update_fields=["region_enc"])


def unseal(apps: Any, schema_editor: Any) -> None:
    ConcernReport = apps.get_model("referrals", "ConcernReport")
    rows = ConcernReport.objects.filter(region_enc__isnull=False).select_related("data_key")
    for report in rows.iterator():
        key = report.data_key
        report.region = (
            vault.decrypt_optional(key=key, ciphertext=report.region_enc, context=CONTEXT)
            if key.destroyed_at is None
            else ""
        )
        report.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_directory_entry_version"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="concernreport",
            name="region_enc",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(
            model_name="concernreport",
            name="region",
        ),
    ]
