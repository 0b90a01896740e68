"""Chain the events written before the hash chain, in the order they were
written, and close the gaps the first triggers left (SECURITY.md section 3.2):

- PostgreSQL: refuse TRUNCATE too (a statement trigger; row triggers never see
  it). Run the app under a role that owns nothing, so it cannot disable these
  triggers: ``alliance setup-database``.
- SQLite: refuse ``INSERT OR REPLACE`` over an existing event (REPLACE deletes
  the old row without firing the delete trigger). Adding columns rebuilds the
  table on SQLite, which drops its triggers, so all of them are created again
  here.
"""

from django.db import migrations

from alliance.audit import chain

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_auditevent
       WHEN EXISTS (SELECT 1 FROM audit_auditevent
                    WHERE id = NEW.id OR seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_replace",
]
# An empty table may be truncated: nothing is lost, and Django's test flush
# truncates every table after a transactional test has emptied this one.
POSTGRES_TRUNCATE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    """CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit_auditevent) THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate()""",
]


def _chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change"
        )
    prev, seq = "", 0
    fields = ("id", *(f for f in chain.FIELDS if f != "seq"))
    with schema_editor.connection.cursor() as cursor:
        for row in AuditEvent.objects.order_by("id").values(*fields).iterator():
            seq += 1
            digest = chain.event_hash({**row, "seq": seq}, prev)
            cursor.execute(
                "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [seq, prev, digest, row["id"]],
            )
            prev = digest
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})
    if vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change"
        )
        for sql in POSTGRES_TRUNCATE:
            schema_editor.execute(sql)


def _unchain(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_replace")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_event_no_truncate()")


class Migration(migrations.Migration):
    dependencies = [('audit', '0003_audit_chain')]

    operations = [migrations.RunPython(_chain_existing, _unchain)]
