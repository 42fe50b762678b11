"""Agreements recorded before parties approved them were treated as in force:
they stay so. Each becomes "in effect", with an approval recorded for each of
its parties (when and by whom the agreement was recorded), so that nothing
that flowed yesterday stops today. Their free-text legal bases are kept as
text on the row; new agreements choose theirs from the coordinator's list.

Safe to re-run: an agreement already in effect, refused, or with any approval
recorded is left alone. It runs right after the schema change, before any
agreement can be proposed through the services that ask for approvals."""

from django.db import migrations
from django.db.models import Exists, OuterRef

BATCH = 500


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Agreement = apps.get_model("access", "Agreement")
    AgreementParty = apps.get_model("access", "AgreementParty")
    approved = AgreementParty.objects.filter(agreement=OuterRef("pk"), approved_at__isnull=False)
    legacy = (
        Agreement.objects.filter(state="proposed", refused_at__isnull=True)
        .exclude(Exists(approved))
        .order_by("pk")
    )
    while True:
        batch = list(legacy[:BATCH])
        if not batch:
            break
        for agreement in batch:
            AgreementParty.objects.filter(agreement=agreement).update(
                approved_at=agreement.created_at, approved_by=agreement.created_by_id
            )
            Agreement.objects.filter(pk=agreement.pk).update(state="in_effect")


class Migration(migrations.Migration):
    dependencies = [("access", "0006_agreements_signed_by_every_party")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
