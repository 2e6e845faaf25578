"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE, see pyproject.toml).

The production settings, with what tests need on top: a throwaway secret key and personal-data
keys, plain HTTP for the test client and the live server, fast password hashing, tasks run at once,
static files from the app directories, and uploaded files and logs in a temporary directory of
this test process. Everything else — the audit trail's triggers included — is as in production.
"""

import os
import secrets
import tempfile
from pathlib import Path

# The production settings refuse to load without a secret key; tests bring one that lives as long
# as the test process (and its child processes, which inherit it).
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))

from dangjian.settings import *  # noqa: E402, F403
from dangjian.settings import ALLOWED_HOSTS, STORAGES  # noqa: E402

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost", "testserver"]

# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

# One process's memory: each test starts with an empty cache (conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Compliance figures counted on every request: the tests check them right after each write
# (orglife/tests/test_rollup_cache.py turns the cache on).
ROLLUP_CACHE_SECONDS = 0

# Fast hashing; production keeps Django's default (PBKDF2-SHA256).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run at once in the calling thread unless a test asks for the database backend.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# No collectstatic before a test run: static files come from the apps' directories.
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

# Personal-data keys: created under var/ on first use, as in the demo.
CRYPTO_CREATE_KEYS = True
INVENTED_DATA_ALLOWED = True

# Uploaded files and logs (the audit checkpoints) outside the developer's var/, one directory per
# test process.
if "DANGJIAN_FILES_ROOT" not in os.environ:
    FILES_ROOT = Path(tempfile.gettempdir()) / f"dangjian-test-files-{os.getpid()}"
if "DANGJIAN_LOG_DIR" not in os.environ:
    LOG_DIR = Path(tempfile.gettempdir()) / f"dangjian-test-log-{os.getpid()}"
    AUDIT_CHECKPOINT_FILE = LOG_DIR / "audit-checkpoints.jsonl"

# Backups of this test process (ops/tests), apart from the developer's var/backups.
if "DANGJIAN_BACKUP_DIR" not in os.environ:
    BACKUP_DIR = Path(tempfile.gettempdir()) / f"dangjian-test-backups-{os.getpid()}"
# The test machine's disk may be small; the readiness tests set their own figure.
READY_MIN_FREE_MB = 1
