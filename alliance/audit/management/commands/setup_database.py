"""``alliance setup-database --runtime-role ROLE``: give the application's
PostgreSQL role only what it needs, so it cannot rewrite the audit log.

Run it as the role that owns the database and runs ``alliance migrate`` (the
migration role), after every migrate. The runtime role, which the web and
worker processes log in as, gets:

- SELECT, INSERT, UPDATE, DELETE on the application's tables and USAGE, SELECT
  on their sequences;
- on the audit table only SELECT and INSERT: no UPDATE, DELETE, TRUNCATE,
  TRIGGER, and as it owns nothing it cannot disable the triggers either;
- on ``django_migrations`` only SELECT;
- the same grants on tables later migrations create (ALTER DEFAULT PRIVILEGES).

It refuses a runtime role that owns anything, is a superuser, or can act as
the migration role: each of those could take the triggers away again.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from alliance.audit.models import AuditChainHead, AuditEvent
from alliance.audit.services import record

ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def runtime_grants(runtime: str, schema: str) -> list[str]:
    """The statements, in order (identifiers already checked and quoted)."""
    q = connection.ops.quote_name
    role, ns = q(runtime), q(schema)
    audit = q(AuditEvent._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA {ns} TO {role}",
        f"REVOKE CREATE ON SCHEMA {ns} FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {ns} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {ns} TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {ns} "
        f"FROM {role}",
        f"REVOKE ALL ON {audit} FROM {role}",
        f"GRANT SELECT, INSERT ON {audit} TO {role}",
        f"REVOKE ALL ON {q('django_migrations')} FROM {role}",
        f"GRANT SELECT ON {q('django_migrations')} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {ns} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {ns} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = (
        "Grant the runtime PostgreSQL role only what the app needs "
        "(run as the migration role, after migrate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--runtime-role",
            required=True,
            help="The role the web and worker processes log in as, e.g. alliance_app.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runtime = options["runtime_role"].strip()
        if connection.vendor != "postgresql":
            self.stdout.write(
                "This database is SQLite, which has no roles: protect the file and "
                "its directory with file permissions (only the account that runs "
                "Alliance may read or write them). Nothing to do."
            )
            return
        if not ROLE.match(runtime):
            raise CommandError(
                f"{runtime!r} is not a plain role name (lower-case letters, digits "
                "and underscores)."
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_schema()")
            owner, schema = cursor.fetchone()
            self._check(cursor, runtime, owner)
            for sql in runtime_grants(runtime, schema):
                cursor.execute(sql)
            # The head row exists before the runtime role needs to lock it.
            AuditChainHead.objects.get_or_create(pk=1)
            record(
                None,
                "database.grants",
                None,
                detail={"runtime_role": runtime, "owner": owner, "schema": schema},
            )
        self.stdout.write(
            f"Granted {runtime} the app's privileges in schema {schema} of this "
            f"database; on {AuditEvent._meta.db_table} only SELECT and INSERT. "
            f"Tables created by later migrations run as {owner} get the same "
            "grants; run this again after each migrate all the same. "
            f"Run the web and worker processes as {runtime}, and migrate as "
            f"{owner}."
        )

    def _check(self, cursor: Any, runtime: str, owner: str) -> None:
        if runtime == owner:
            raise CommandError(
                f"You are connected as {runtime}. Connect as the migration role "
                "(the database's owner) and name the other role, the one the app "
                "runs as."
            )
        cursor.execute(
            "SELECT rolsuper, pg_has_role(oid, %s, 'USAGE') FROM pg_roles "
            "WHERE rolname = %s",
            [owner, runtime],
        )
        found = cursor.fetchone()
        if found is None:
            raise CommandError(
                f"There is no role {runtime}. Create it first (as a superuser): "
                f"createuser --pwprompt {runtime}"
            )
        superuser, acts_as_owner = found
        if superuser or acts_as_owner:
            raise CommandError(
                f"{runtime} is a superuser or a member of {owner}, so it could "
                "disable the audit triggers. Give the app a role of its own."
            )
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE r.rolname = %s AND n.nspname = current_schema() ORDER BY 1",
            [runtime],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise CommandError(
                f"{runtime} owns {', '.join(owned[:5])}"
                f"{' and more' if len(owned) > 5 else ''}; an owner can disable "
                f"triggers. Hand them over first: REASSIGN OWNED BY {runtime} TO "
                f"{owner};"
            )
