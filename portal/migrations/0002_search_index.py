"""The search index by database: an FTS5 table on SQLite, a generated ``simple`` tsvector with a
GIN index on PostgreSQL (portal.search)."""

from django.db import migrations

SQLITE_UP = ("CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_fts USING fts5("
             "title, body, tokenize = 'unicode61 remove_diacritics 2')")
SQLITE_DOWN = "DROP TABLE IF EXISTS portal_search_fts"
POSTGRES_UP = [
    "ALTER TABLE portal_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_tokens), 'A') || "
    "setweight(to_tsvector('simple', body_tokens), 'B')) STORED",
    "CREATE INDEX portal_searchdocument_tsv ON portal_searchdocument USING gin (tsv)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS portal_searchdocument_tsv",
    "ALTER TABLE portal_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": [SQLITE_UP], "postgresql": POSTGRES_UP}),
            _run({"sqlite": [SQLITE_DOWN], "postgresql": POSTGRES_DOWN}),
        ),
    ]
