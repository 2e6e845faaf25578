"""Database-level append-only audit trail: UPDATE is refused, DELETE only of entries older than
the legal minimum retention (184 days), TRUNCATE refused (PostgreSQL). The ORM refuses both as
well (core.models.AuditEntryQuerySet); these triggers stop raw SQL.

Installed by migration core 0002, except under the test runner: Django's test flush empties every
table between transactional tests, which the triggers rightly refuse. Tests of the triggers
install them with ``install(connection)`` inside the test's transaction.
"""

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       WHEN OLD.created >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-184 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries younger than 184 days cannot be deleted'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit entries are append-only';
         END IF;
         IF OLD.created >= now() - interval '184 days' THEN
           RAISE EXCEPTION 'audit entries younger than 184 days cannot be deleted';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry",
    """CREATE TRIGGER core_auditentry_guard BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_guard()""",
    """CREATE OR REPLACE FUNCTION core_auditentry_no_truncate() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries cannot be truncated'; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    """CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditentry_no_truncate()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry",
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_guard()",
    "DROP FUNCTION IF EXISTS core_auditentry_no_truncate()",
]

_INSTALL = {"sqlite": SQLITE, "postgresql": POSTGRES}
_UNINSTALL = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}


def _execute(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection) -> None:
    _execute(connection, _INSTALL.get(connection.vendor, []))


def uninstall(connection) -> None:
    _execute(connection, _UNINSTALL.get(connection.vendor, []))
