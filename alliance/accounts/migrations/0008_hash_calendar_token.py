"""The calendar feed token column now holds a hash (see the next migration)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('accounts', '0007_practice_version'),
    ]

    operations = [
        migrations.RenameField(
            model_name="user",
            old_name="calendar_token",
            new_name="calendar_token_hash",
        ),
    ]
