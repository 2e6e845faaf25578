"""Database-level append-only audit trail.

Entries: UPDATE is refused, DELETE only of entries older than the legal minimum retention (184
days), TRUNCATE refused (PostgreSQL). Anchors (where the chain starts after a purge, and up to where
it was hashed without a key): UPDATE, DELETE and TRUNCATE refused. The ORM refuses both as well
(core.models.AppendOnlyQuerySet); these triggers stop raw SQL.

Installed by migrations (entries: core 0002; anchors, and the entries again after SQLite rebuilt
their table: core 0005), in every database, the test database included; the deploy check
``core.checks.audit_triggers`` fails when one is missing or disabled. Tests that must empty the
tables (Django's flush after a transactional test) take them off with ``uninstall`` and put them
back with ``install`` (conftest.py).
"""

ENTRY_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       WHEN OLD.created >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-184 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries younger than 184 days cannot be deleted'); END""",
]
ANCHOR_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditanchor_no_update BEFORE UPDATE ON core_auditanchor
       BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditanchor_no_delete BEFORE DELETE ON core_auditanchor
       BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END""",
]
ENTRY_POSTGRES = [
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
ANCHOR_POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditanchor_guard() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit anchors are append-only'; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS core_auditanchor_guard ON core_auditanchor",
    """CREATE TRIGGER core_auditanchor_guard BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditanchor
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditanchor_guard()""",
]
UNINSTALL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditentry_no_update",
        "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
        "DROP TRIGGER IF EXISTS core_auditanchor_no_update",
        "DROP TRIGGER IF EXISTS core_auditanchor_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry",
        "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
        "DROP TRIGGER IF EXISTS core_auditanchor_guard ON core_auditanchor",
        "DROP FUNCTION IF EXISTS core_auditentry_guard()",
        "DROP FUNCTION IF EXISTS core_auditentry_no_truncate()",
        "DROP FUNCTION IF EXISTS core_auditanchor_guard()",
    ],
}

_ENTRIES = {"sqlite": ENTRY_SQLITE, "postgresql": ENTRY_POSTGRES}
_ANCHORS = {"sqlite": ANCHOR_SQLITE, "postgresql": ANCHOR_POSTGRES}
# The trigger names install() creates, by vendor: what the deploy check looks for.
TRIGGERS = {
    "sqlite": ["core_auditentry_no_update", "core_auditentry_no_delete",
               "core_auditanchor_no_update", "core_auditanchor_no_delete"],
    "postgresql": ["core_auditentry_guard", "core_auditentry_no_truncate", "core_auditanchor_guard"],
}
_PRESENT_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    # A disabled trigger (ALTER TABLE … DISABLE TRIGGER) guards nothing: it counts as missing.
    "postgresql": """SELECT tgname FROM pg_trigger
                     WHERE tgrelid IN (to_regclass('core_auditentry'), to_regclass('core_auditanchor'))
                       AND NOT tgisinternal AND tgenabled <> 'D'""",
}


def _execute(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_entries(connection) -> None:
    _execute(connection, _ENTRIES.get(connection.vendor, []))


def install(connection) -> None:
    """Entries and anchors (idempotent)."""
    install_entries(connection)
    _execute(connection, _ANCHORS.get(connection.vendor, []))


def uninstall(connection) -> None:
    _execute(connection, UNINSTALL.get(connection.vendor, []))


def missing(connection) -> list[str]:
    """The guard triggers this database lacks (or has disabled)."""
    expected = TRIGGERS.get(connection.vendor, [])
    if not expected:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_PRESENT_SQL[connection.vendor])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]
