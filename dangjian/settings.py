"""Settings for dangjian.

Secure by default: production is what you get unless DANGJIAN_DEMO=1 is set (in the environment,
or in var/local.env, which `make run` writes). Secrets and keys come from the environment or from
files outside the repository (var/ is git-ignored), never from code.
The test suite runs on dangjian.settings_test, which imports these and overrides what tests
need; nothing here knows whether it is under test.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _made_by_make_run() -> bool:
    """`make run` records its mode in var/local.env, so that the README's commands work on the
    database it created with nothing to export. The environment still wins; production has no
    such file and stays the secure default."""
    path = VAR_DIR / "local.env"
    return path.is_file() and "DANGJIAN_DEMO=1" in path.read_text().split()


# Demo mode: the local quick start. Plain HTTP on 127.0.0.1, generated local secrets, demo data.
DEMO_MODE = env_flag("DANGJIAN_DEMO", _made_by_make_run())
# The demo and bench commands fill the database with invented people: never in production.
INVENTED_DATA_ALLOWED = DEMO_MODE
DEBUG = env_flag("DJANGO_DEBUG")


def _local_secret(name: str, nbytes: int = 48) -> str:
    """A secret kept in var/ for demo runs; created on first use, mode 0600."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO_MODE:
        SECRET_KEY = _local_secret("secret_key")
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (see docs/deployment.md), "
            "or run the local demo with DANGJIAN_DEMO=1."
        )

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
if DEMO_MODE:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "treebeard",
    "ninja",
    "core",
    "accounts",
    "orgs",
    "members",
    "transfers",
    "care",
    "recruitment",
    "portal",
    "orglife",
    # Party dues (党费): bases, payments, arrears; reads members and orgs.
    "dues",
    # 学习教育与培训: the study library, online study counted honestly, class hours (above orglife).
    "learning",
    # 学习测试: the question bank, timed exams marked automatically, daily practice (part of learning,
    # with its permissions; reads orgs and members).
    "exams",
    # 集中学习与分级培训: group study and training classes with attendance, rotation coverage (part of
    # learning, its permissions; learning's class hours read their attendance rows).
    "training",
    # 承诺践诺、设岗定责、挂牌上岗: members' pledges reviewed by the branch, duty posts with public
    # badge pages (part of learning, its permissions).
    "pledges",
    # 学习积分: points per activity under daily caps, shown beside the class hours; branch rankings.
    "points",
    # Regional party building (区域化党建): building committees and coverage, difficult villages,
    # expanded committees and co-building; reads orgs and members.
    "regional",
    # 在职党员到社区报到: check-ins with the community where members live, service hours, yearly ratings
    # fed back to the member's unit (regional's permissions).
    "community",
    # 群众点单、社区派单、党员接单: community service menus, residents' orders on a public page,
    # dispatch to checked-in members (builds on community; regional's permissions).
    "orders",
    # 督导考核: sector guidance plans and checklists, supervision teams and visits, inspections and
    # the rectification ledger (evidence, acceptance, escalation), the rectification plan.
    "oversight",
    # 后进党组织整顿 (一支一策): lagging orgs suggested from the records, their plans, tasks and grades.
    "lagging",
    # 国企党建工作台账: SOE party-building tasks divided among SOE party committees, their quarterly
    # progress; a section of the quarterly bulletin (oversight's permissions).
    "soe",
    # 五好党支部: standards per sector and level, branches' self-assessment, the upper level's
    # assessment and grade, exemplars on the portal (oversight's permissions).
    "fivegood",
    # 述职评议: the yearly report-and-review of the secretaries of the orgs below, weighted ratings,
    # results in the secretary's archive, feedback and follow-ups (oversight's permissions).
    "reviews",
    # Workbench, warnings and health index: reads every business app's summaries.
    "insights",
    # The message centre (站内消息): the apps' services write to it; it imports none of them.
    "notifications",
    # Backups, restores, health and metrics (ops/): above core, below the composition root.
    "ops",
    "django_prometheus",
    # The composition root (dangjian/apps.py): the demo and bench commands, the home page.
    "dangjian",
    # After the project's apps: members' `db_worker` command (cleanup at start) replaces theirs.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost and innermost: django-prometheus times every request and counts its answer.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the account policy: its idle-timeout logout leaves a message for the login page.
    "django.contrib.messages.middleware.MessageMiddleware",
    # Outside the account policy, so that its 404s (三员 areas) are audited like the views' own.
    "core.middleware.DeniedWriteAuditMiddleware",
    "accounts.middleware.AccountPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.NotFoundMiddleware",  # a service's NotFound is the page's 404
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Database: embedded SQLite by default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}",
        conn_max_age=int(os.environ.get("DANGJIAN_DB_CONN_MAX_AGE", "600")), conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL with synchronous=FULL: WAL with NORMAL can lose committed transactions on power loss.
    # IMMEDIATE transactions take the write lock at BEGIN, so writers queue instead of failing
    # with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA busy_timeout=20000;"
            "PRAGMA cache_size=-32000"
        ),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# The cache (the portal's anonymous pages, the comment limits) is shared by the server processes:
# a directory under var/ on one machine, Redis when DANGJIAN_REDIS_URL names one (several
# machines; needs the `redis` package).
if os.environ.get("DANGJIAN_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["DANGJIAN_REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 5000}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Passwords: MLPS level 3 composition (three of four classes, at least 8 characters), history,
# common-password list; up to 128 characters. See docs/architecture.md for the ASVS deviation.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.ComplexityValidator"},
    {"NAME": "accounts.passwords.MaximumLengthValidator"},
    {"NAME": "accounts.passwords.HistoryValidator"},
]
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE_DAYS = 90

# Background work (django-tasks): long jobs such as roster imports run on `dangjian db_worker`
# (started beside the web server by `make run`), their state in the database.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Login policy (等保 level 3): 5 failures lock an account; an address (an office behind one NAT)
# only after many more, across accounts (accounts.lockout).
LOGIN_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DANGJIAN_LOGIN_ADDRESS_LIMIT", 50))
LOGIN_LOCKOUT_SECONDS = 15 * 60
# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed:
# the client is the rightmost address that is not one of them (core.middleware.client_ip). Unset,
# the client is the connecting address, and behind a proxy everyone would share the proxy's.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("DANGJIAN_TRUSTED_PROXIES", "").split(",") if p.strip()]
IDLE_TIMEOUT_SECONDS = 30 * 60
API_TOKEN_IDLE_SECONDS = 30 * 60

SESSION_COOKIE_AGE = IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = False  # accounts.middleware writes it once a minute while in use
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# zh-hans input formats with ISO first: what <input type=date> needs (dangjian/formats/zh_Hans).
FORMAT_MODULE_PATH = ["dangjian.formats"]
# One layout for every form's fields (labels, help, errors, aria-describedby): core/templates/core/forms/.
FORM_RENDERER = "core.forms.FormRenderer"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Security headers. Production: HTTPS only.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if DEMO_MODE:
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
else:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Personal-data keys: outside the database. DANGJIAN_KEY_FILE names a JSON key file; the demo
# creates one under var/ on first use.
KEY_FILE = Path(os.environ.get("DANGJIAN_KEY_FILE", VAR_DIR / "keys.json"))
CRYPTO_PROVIDER = os.environ.get("DANGJIAN_CRYPTO_PROVIDER", "core.crypto.SoftwareSM4Provider")
CRYPTO_CREATE_KEYS = DEMO_MODE

# Uploaded files (archive documents, import files, attachments): outside the web root.
FILES_ROOT = Path(os.environ.get("DANGJIAN_FILES_ROOT", VAR_DIR / "files"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Audit trail retention: default 365 days, never below 184 (Cybersecurity Law: six months).
AUDIT_RETENTION_DAYS = max(184, int(os.environ.get("DANGJIAN_AUDIT_RETENTION_DAYS", 365)))
AUDIT_MIN_RETENTION_DAYS = 184
# Signed checkpoints of the audit chain (sequence, hash, time) outside the database, so that
# `dangjian audit verify` catches deleted tail entries and a rewritten chain: one JSON line per
# checkpoint in this file (mode 0600) and in the log stream. Written by `dangjian audit checkpoint`
# (schedule it) and after the commit of every Nth entry (0: only by the command).
LOG_DIR = Path(os.environ.get("DANGJIAN_LOG_DIR", VAR_DIR / "log"))
AUDIT_CHECKPOINT_FILE = LOG_DIR / "audit-checkpoints.jsonl"
AUDIT_CHECKPOINT_EVERY = int(os.environ.get("DANGJIAN_AUDIT_CHECKPOINT_EVERY", 1000))

# Backups (`dangjian backup`, ops.services): encrypted with the key file's data key, written here
# (mode 0700), keeping the newest of each of the last N days and of each of the last M months.
# The system page and /readyz call the last good backup late past BACKUP_MAX_AGE_HOURS.
BACKUP_DIR = Path(os.environ.get("DANGJIAN_BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP_DAILY = int(os.environ.get("DANGJIAN_BACKUP_KEEP_DAILY", 7))
BACKUP_KEEP_MONTHLY = int(os.environ.get("DANGJIAN_BACKUP_KEEP_MONTHLY", 12))
BACKUP_MAX_AGE_HOURS = int(os.environ.get("DANGJIAN_BACKUP_MAX_AGE_HOURS", 24))
# The scheduled jobs' times (ops/scheduler.py: JOBS holds the defaults): "name=HH:MM" daily,
# "name=every N" minutes, "name=" off; comma-separated, e.g. "backup=01:00,summaries_check=".
SCHEDULE = dict(
    (part.split("=", 1)[0].strip(), part.split("=", 1)[1].strip())
    for part in os.environ.get("DANGJIAN_SCHEDULE", "").split(",") if "=" in part
)
# pg_dump and pg_restore: from this directory (of the server's major version), else the PATH.
PG_BIN_DIR = os.environ.get("DANGJIAN_PG_BIN_DIR", "")

# Health (ops.views): /readyz fails below this much free disk where the database, uploads and
# backups are written; /metrics answers only these client addresses or networks (after
# TRUSTED_PROXIES), everyone else 404. The probes are answered over plain HTTP too: a load
# balancer checks the server directly, not through the TLS proxy.
READY_MIN_FREE_MB = int(os.environ.get("DANGJIAN_READY_MIN_FREE_MB", 1024))
METRICS_ALLOWED = [a.strip() for a in os.environ.get("DANGJIAN_METRICS_ALLOWED", "127.0.0.1,::1").split(",")
                   if a.strip()]
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
PROMETHEUS_EXPORT_MIGRATIONS = False

# Care (关怀帮扶, care.selectors): active members with a current hardship record are due a visit,
# and so are senior members: this many years' standing (光荣在党50年, counted from the conversion
# date) or this age. Local practice varies (some places visit from 70 or 75).
CARE_SENIOR_STANDING_YEARS = int(os.environ.get("DANGJIAN_CARE_STANDING_YEARS", 50))
CARE_SENIOR_AGE = int(os.environ.get("DANGJIAN_CARE_AGE", 80))

# The news portal (portal): the disclaimer under every article whose channel sets none, and the
# comment limits per source address and per user (portal.services.comment_post).
PORTAL_DISCLAIMER = os.environ.get(
    "DANGJIAN_PORTAL_DISCLAIMER",
    "免责声明：本站转载的文章仅供学习交流，版权归原作者及原出处所有；文中观点不代表本站立场。"
    "如涉及版权问题，请与本站联系，我们将及时处理。")
PORTAL_COMMENT_LIMITS = ((60, 3), (24 * 3600, 20))  # (seconds, comments) per address and per user
# The public service-order page (orders): orders and status look-ups per address, per window.
ORDERS_PUBLIC_LIMITS = ((60, 5), (24 * 3600, 30))  # (seconds, attempts)
# A finished order's resident (name, phone, address, need) is erased this many days after it closed
# (`dangjian orders purge`, scheduled daily).
ORDERS_KEEP_DAYS = int(os.environ.get("DANGJIAN_ORDERS_KEEP_DAYS", 365))
# Organizational life (orglife.copydetect): minutes whose shingle sets overlap at least this much
# (Jaccard similarity, 0–1) with another record's are flagged to the reviewer as near-copies.
ORGLIFE_COPY_THRESHOLD = float(os.environ.get("DANGJIAN_ORGLIFE_COPY_THRESHOLD", 0.7))
# The roll-ups of the city and of a district (org depth ≤ ROLLUP_CACHE_DEPTH) — compliance
# (orglife.selectors.rollups) and the members' profile (insights.dashboards.profile) — are kept in
# the cache this many seconds (0: counted on every request).
ROLLUP_CACHE_SECONDS = int(os.environ.get("DANGJIAN_ROLLUP_CACHE_SECONDS", 60))
ROLLUP_CACHE_DEPTH = 2

NINJA_PAGINATION_PER_PAGE = 50
# Rows per page of the platform's list pages (core.paging); every list pages and shows its total.
LIST_PAGE_SIZE = 50
# A list longer than this pages by cursor (core.keyset): each page a seek by the index, not an OFFSET.
LIST_KEYSET_FROM = 10_000
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request id that error pages and X-Request-ID show (support finds it).
    "filters": {"request_id": {"()": "core.middleware.RequestIdLogFilter"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The audit checkpoints (core.audit.write_checkpoint) go to the log stream too, and one line
    # per request ("request {json}", core.middleware.RequestContextMiddleware).
    "loggers": {"dangjian.audit": {"level": "INFO"}, "dangjian.request": {"level": "INFO"}},
}

# Email (notifications, issue 15.3): off unless DANGJIAN_EMAIL_HOST names an SMTP server — nothing
# leaves the intranet otherwise (notifications.services.email_configured reads EMAIL_HOST).
EMAIL_HOST = os.environ.get("DANGJIAN_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DANGJIAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DANGJIAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DANGJIAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DANGJIAN_EMAIL_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DANGJIAN_EMAIL_FROM", "dangjian@localhost")
# The address the links in emails start with (https://dangjian.example.gov.cn); empty: paths only.
SITE_URL = os.environ.get("DANGJIAN_SITE_URL", "").rstrip("/")
