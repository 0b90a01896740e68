"""Keep only a hash of each calendar feed token.

Existing feeds keep working: the stored token is replaced by its SHA-256, which
is what the feed now looks up (alliance.core.tokens.hash_token). A migration of
its own: on PostgreSQL, rows updated in a transaction leave deferred constraint
checks pending, and the column cannot be renamed in that same transaction.
"""

import hashlib

from django.db import migrations


def hash_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk, token in (
        User.objects.exclude(calendar_token_hash="")
        .values_list("pk", "calendar_token_hash")
        .iterator()
    ):
        digest = hashlib.sha256(token.encode()).hexdigest()
        User.objects.filter(pk=pk).update(calendar_token_hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ('accounts', '0008_hash_calendar_token'),
    ]

    operations = [
        # A hash cannot be turned back into the address: going back switches
        # every feed off (clinicians make a new address).
        migrations.RunPython(
            hash_existing,
            lambda apps, schema_editor: apps.get_model(
                "accounts", "User"
            ).objects.update(calendar_token_hash=""),
        ),
    ]
