"""Production settings are secure by default; demo mode is explicit."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _django(args, tmp_path, **env_extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DANGJIAN_", "DJANGO_", "DATABASE_URL", "PYTEST"))}
    env.update(DJANGO_SETTINGS_MODULE="dangjian.settings", DANGJIAN_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env_extra)
    return subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_outside_demo_mode(tmp_path):
    production = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                  "DJANGO_ALLOWED_HOSTS": "dangjian.example.org"}
    # As docs/deployment.md step 3: migrate, then check (the check reads the database's triggers).
    migrated = _django(["migrate", "--noinput"], tmp_path, **production)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    result = _django(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_a_database_without_the_audit_triggers(tmp_path):
    result = _django(["check", "--deploy"], tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                     DJANGO_ALLOWED_HOSTS="dangjian.example.org")
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "core_auditentry_no_update" in result.stderr


def test_production_settings_ignore_the_test_runner(tmp_path):
    # Importing pytest first used to switch the production settings to test mode.
    code = ("import pytest, django; django.setup(); from django.conf import settings as s; "
            "print(s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CRYPTO_CREATE_KEYS, "
            "s.TASKS['default']['BACKEND'])")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "DJANGO_", "PYTEST"))}
    env.update(DJANGO_SETTINGS_MODULE="dangjian.settings", DANGJIAN_VAR_DIR=str(tmp_path),
               DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "True", "False",
                                     "django_tasks_db.DatabaseBackend"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _django(["check"], tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_create_personal_data_keys_itself(tmp_path):
    code = "import django; django.setup(); from core.crypto import get_provider; get_provider()"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "DJANGO_", "PYTEST"))}
    env.update(DJANGO_SETTINGS_MODULE="dangjian.settings", DANGJIAN_VAR_DIR=str(tmp_path),
               DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "Key file" in result.stderr
    assert not (tmp_path / "keys.json").exists()


def test_every_page_carries_the_security_headers(world):
    response = world.client("a_admin").get("/orgs/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    assert len(response["X-Request-ID"]) >= 8


def test_templates_load_nothing_from_another_host():
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        text = path.read_text()
        if 'src="http' in text or "href=\"http" in text or "src='http" in text:
            offenders.append(str(path))
    assert offenders == []


def test_collectstatic_with_the_production_storage_takes_the_libraries_from_npm(tmp_path, settings):
    """`make run` and a deployment collect static files with the manifest storage, which refuses a
    file naming a missing one (Quill's dist files name source maps that scripts/vendor.sh leaves out)."""
    import json

    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert {"vendor/quill/quill.js", "vendor/quill/quill.snow.css", "portal/editor.js"} <= set(manifest)


LEGACY_TRAIL = """
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from core import audit
from core.crypto import sm3_hex
from core.models import AuditEntry
prev = audit.GENESIS_HASH
with connection.cursor() as cursor:
    for seq in range(1, 6):
        entry = AuditEntry(seq=seq, created=timezone.now() - timedelta(days=400 - seq), action="x",
                           prev_hash=prev)
        entry.entry_hash = prev = sm3_hex(audit._canonical(entry))
        cursor.execute(
            "INSERT INTO core_auditentry (seq, created, username, role, ip, request_id, channel, action,"
            " object_type, object_id, object_repr, org_path, changes, result, prev_hash, entry_hash)"
            " VALUES (%s, %s, '', '', '', '', '', 'x', '', '', '', '', '{}', 'success', %s, %s)",
            [seq, entry.created, entry.prev_hash, entry.entry_hash])
        if seq == 2:  # a purge as the platform did it before: the head gone, an unsigned anchor
            cursor.execute("DELETE FROM core_auditentry")
            cursor.execute("INSERT INTO core_auditanchor (seq, entry_hash, purged_at)"
                           " VALUES (2, %s, %s)", [prev, timezone.now()])
"""


def test_upgrading_a_trail_hashed_without_a_key_keeps_it_verifiable_and_guarded(tmp_path):
    production = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                  "DJANGO_ALLOWED_HOSTS": "dangjian.example.org"}
    (tmp_path / "keys.json").write_text(json.dumps({
        "active": "k1", "keys": {"k1": secrets.token_hex(16)}, "index_key": secrets.token_hex(32),
        "audit": {"active": "a1", "keys": {"a1": secrets.token_hex(32)}}}))
    for step in (["migrate", "core", "0004"], ["shell", "-c", LEGACY_TRAIL], ["migrate"],
                 ["shell", "-c", "from core import audit; audit.record('after.upgrade')"]):
        result = _django(step, tmp_path, **production)
        assert result.returncode == 0, result.stdout + result.stderr
    verified = _django(["audit", "verify"], tmp_path, **production)
    assert verified.stdout.startswith("intact：审计链完整，共校验 4 条"), verified.stdout + verified.stderr
    checked = _django(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production)
    assert checked.returncode == 0, checked.stdout + checked.stderr
