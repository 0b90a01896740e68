"""Seal the values already stored in the columns the previous migration made
encrypted (and unseal them when migrating back).

A migration of its own: on PostgreSQL, rows updated in a transaction leave
deferred constraint checks pending, and the column type cannot change in that
same transaction.
"""

import alliance.core.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0003_encrypt_risk_indicators'),
    ]

    operations = [
        alliance.core.fields.encrypt_column_operation("alerts", "riskalert", "source"),
    ]
