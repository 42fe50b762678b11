"""Break-glass justifications are sealed under the person's data key (issue 12):
typed words about an emergency may describe the person, so they must die with the
person's key on erasure. Existing rows are encrypted in place; a row whose person
was already erased keeps no words."""

from typing import Any

from django.db import migrations, models

from haven.vault import services as vault

CONTEXT = "break_glass.justification"


def seal(apps: Any, schema_editor: Any) -> None:
    BreakGlass = apps.get_model("access", "BreakGlass")
    for grant in BreakGlass.objects.select_related("case__person__data_key").iterator():
        key = grant.case.person.data_key
        words = grant.justification
        grant.justification_enc = (
            vault.encrypt(key=key, plaintext=words, context=CONTEXT)
            if words and key.destroyed_at is None
            else None
        )
        grant.save(update_fields=["justification_enc"])


def unseal(apps: Any, schema_editor: Any) -> None:
    BreakGlass = apps.get_model("access", "BreakGlass")
    for grant in BreakGlass.objects.select_related("case__person__data_key").iterator():
        key = grant.case.person.data_key
        grant.justification = (
            vault.decrypt_optional(key=key, ciphertext=grant.justification_enc, context=CONTEXT)
            if key.destroyed_at is None
            else ""
        )
        grant.save(update_fields=["justification"])


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0007_agreements_recorded_before_approvals_are_in_effect"),
        ("cases", "0004_incident_links_cases_found_together"),
        ("vault", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="breakglass",
            name="justification_enc",
            field=models.BinaryField(null=True),
        ),
        migrations.AlterField(
            model_name="breakglass",
            name="justification",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(
            model_name="breakglass",
            name="justification",
        ),
    ]
