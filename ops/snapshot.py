"""Consistent copies of the database and what they hold, per engine.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the live database in one
step, under one read transaction: the copy is one moment of the database while the platform goes
on writing (WAL). PostgreSQL: one REPEATABLE READ transaction exports its snapshot; the manifest's
figures are read in that transaction and ``pg_dump --snapshot`` dumps the same moment.

The manifest's per-table figures: the row count and an SM3 digest of every row in primary-key
order — on SQLite of the row's values as JSON, on PostgreSQL of the row's text form (``t::text``,
the server's own canonical output). They are compared between a backup and its restore on the same
engine, never across engines.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives import hashes
from django.conf import settings

from ops.sealed import BackupRefused


class _Digest:
    def __init__(self):
        self.hash = hashes.Hash(hashes.SM3())
        self.rows = 0

    def add(self, line: str) -> None:
        self.hash.update(line.encode() + b"\n")
        self.rows += 1

    def result(self) -> dict:
        return {"rows": self.rows, "sm3": self.hash.finalize().hex()}


def file_sm3(path: Path) -> str:
    digest = hashes.Hash(hashes.SM3())
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.finalize().hex()


def files_manifest(root: Path) -> dict:
    """{relative path: {"size", "sm3"}} of every file under ``root`` (the uploads)."""
    found = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            found[path.relative_to(root).as_posix()] = {"size": path.stat().st_size, "sm3": file_sm3(path)}
    return found


# --- SQLite ---------------------------------------------------------------------------------------

def sqlite_copy(source: sqlite3.Connection, dest: Path) -> None:
    """The online backup API, all pages in one step (one read transaction: one moment)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plain(value):
    return value.hex() if isinstance(value, bytes) else value


def sqlite_tables(path: Path) -> dict:
    """{table: {"rows", "sm3"}} of the SQLite database file at ``path`` (read-only). Virtual
    tables (the portal's FTS5 index) are left out: their content is in their shadow tables."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [name for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name") if not (sql or "").upper().startswith("CREATE VIRTUAL")]
        tables = {}
        for name in names:
            info = conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
            keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            order = ", ".join(_quote(key) for key in keys) or "rowid"
            digest = _Digest()
            for row in conn.execute(f"SELECT * FROM {_quote(name)} ORDER BY {order}"):
                digest.add(json.dumps([_plain(v) for v in row], ensure_ascii=False))
            tables[name] = digest.result()
        return tables
    finally:
        conn.close()


def sqlite_audit_head(path: Path, table: str) -> list:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(f"SELECT seq, entry_hash FROM {_quote(table)} ORDER BY seq DESC LIMIT 1").fetchone()
        return list(row) if row else [0, ""]
    finally:
        conn.close()


# --- PostgreSQL -----------------------------------------------------------------------------------

def _conninfo(database: dict) -> str:
    return psycopg.conninfo.make_conninfo(
        dbname=database["NAME"], user=database.get("USER") or None, host=database.get("HOST") or None,
        port=str(database["PORT"]) if database.get("PORT") else None)


def _pg_env(database: dict) -> dict:
    # The password goes in the environment, never on a command line (visible to `ps`).
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def pg_connect(database: dict) -> psycopg.Connection:
    return psycopg.connect(_conninfo(database), password=database.get("PASSWORD") or None)


def pg_tables(conn: psycopg.Connection) -> dict:
    """{table: {"rows", "sm3"}} of the current schema's tables, read in ``conn``'s transaction."""
    names = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
    tables = {}
    for name in names:
        keys = [row[0] for row in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)", [_quote(name)])]
        order = ", ".join(f"t.{_quote(key)}" for key in keys) or "t::text"
        digest = _Digest()
        with conn.cursor(name=f"manifest_{len(tables)}") as cursor:
            cursor.itersize = 5000
            cursor.execute(f"SELECT t::text FROM {_quote(name)} AS t ORDER BY {order}")
            for (text,) in cursor:
                digest.add(text)
        tables[name] = digest.result()
    return tables


def pg_audit_head(conn: psycopg.Connection, table: str) -> list:
    row = conn.execute(f"SELECT seq, entry_hash FROM {_quote(table)} ORDER BY seq DESC LIMIT 1").fetchone()
    return list(row) if row else [0, ""]


def pg_program(name: str) -> str:
    """pg_dump or pg_restore: from settings.PG_BIN_DIR, else the PATH."""
    if settings.PG_BIN_DIR:
        return str(Path(settings.PG_BIN_DIR) / name)
    found = shutil.which(name)
    if not found:
        raise BackupRefused(f"找不到 {name}：请安装 PostgreSQL 客户端，或用 DANGJIAN_PG_BIN_DIR 指明其目录")
    return found


def _run(args: list[str], database: dict) -> None:
    done = subprocess.run(args, env=_pg_env(database), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{Path(args[0]).name} 失败：{done.stderr.strip()[-500:]}")


def pg_dump(database: dict, snapshot: str, dest: Path) -> None:
    # Uncompressed: the archive around it is compressed once, as a whole.
    _run([pg_program("pg_dump"), "--format=custom", "--compress=0", f"--snapshot={snapshot}",
          f"--file={dest}", f"--dbname={_conninfo(database)}"], database)
    os.chmod(dest, 0o600)


def pg_restore(database: dict, dump: Path) -> None:
    # One transaction: a dump that fails half-way leaves the database as empty as it was.
    _run([pg_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={_conninfo(database)}", str(dump)], database)
