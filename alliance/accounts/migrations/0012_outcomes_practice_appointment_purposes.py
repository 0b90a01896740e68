from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_adsm_drink_measure"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="appointment_purposes",
            field=models.TextField(
                blank=True,
                default="",
                help_text="One a line, e.g. Couples session. Besides assessment, "
                "treatment, review, follow-up and booster. Only treatment "
                "appointments count as treatment sessions in outcomes.",
                verbose_name="more appointment purposes",
            ),
        ),
    ]
