"""Every appointment gets a purpose. Existing ones: each episode's first
appointment that was not cancelled is its assessment, the rest treatment
(the same rule booking now uses by default). Cancellation times were not
recorded before, so existing cancellations have none (never counted late)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Appointment = apps.get_model("scheduling", "Appointment")
    first = (
        Appointment.objects.filter(episode=OuterRef("episode"))
        .exclude(status="cancelled")
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    firsts = (
        Appointment.objects.filter(episode__isnull=False)
        .exclude(status="cancelled")
        .annotate(first_pk=Subquery(first))
        .values_list("first_pk", flat=True)
        .distinct()
    )
    Appointment.objects.filter(pk__in=list(firsts)).update(purpose="assessment")


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0003_appointment_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="purpose",
            field=models.CharField(default="treatment", max_length=60),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
