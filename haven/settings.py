"""Haven's one settings module, configured by HAVEN_ environment variables.

Every variable is documented in `.env.example`. SQLite is the default so a
fresh clone runs; DATABASE_URL switches to PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from haven.lib.env import env_bool, env_decimal, env_int, env_list, env_secret, env_str
from haven.lib.files import private_sqlite_file
from haven.lib.languages import shipped_languages

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HAVEN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("HAVEN_DEBUG", False)

# Demo mode lets the synthetic demo accounts skip MFA. It is only allowed on
# loopback, and every page says so (see web/templates/base.html).
DEMO_MODE = env_bool("HAVEN_DEMO_MODE", False)
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

SECRET_KEY = env_secret("HAVEN_SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        SECRET_KEY = "haven-insecure-development-key-" + "x" * 32
    elif not env_bool("HAVEN_CONSOLE_WITHOUT_SECRET", False):
        raise ImproperlyConfigured("HAVEN_SECRET_KEY (or HAVEN_SECRET_KEY_FILE) must be set")
    # else: the `haven` console command without a secret (see haven/cli.py): commands
    # that sign nothing work; anything that signs fails loudly on first use.

ALLOWED_HOSTS = env_list("HAVEN_ALLOWED_HOSTS", LOOPBACK_HOSTS)
if DEMO_MODE and not set(ALLOWED_HOSTS) <= {*LOOPBACK_HOSTS, "testserver"}:
    raise ImproperlyConfigured("HAVEN_DEMO_MODE is only allowed with loopback HAVEN_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "haven.lib",  # database upkeep: the planner's statistics (haven/lib/db.py)
    "haven.accounts",
    "haven.vault",
    "haven.backup",
    "haven.audit",
    "haven.access",
    "haven.cases",
    "haven.deadlines",
    "haven.identification",
    "haven.assistance",
    "haven.children",
    "haven.referrals",
    "haven.justice",
    "haven.linkage",
    "haven.statistics",
    "haven.shelters",
    "haven.returns",
    "haven.web",
    "haven.demo",
]

MIDDLEWARE = [
    # /health/live and /health/ready: answered before the HTTPS redirect and host check.
    "haven.web.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in user's own language (their profile) over the switch and the browser.
    "haven.accounts.middleware.UserLanguageMiddleware",
    "haven.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

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
                "haven.web.context_processors.haven",
            ],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    # Prepared statements for what Haven asks to prepare (haven.lib.db.prepared_cursor:
    # the audit trail's INSERT, parsed and planned once per connection); Django's own
    # queries bind their values on the client and are never prepared. Off behind a
    # pooler that does not keep prepared statements (PgBouncer before 1.21, or without
    # max_prepared_statements): HAVEN_DB_PREPARED=0. A psycopg option: PostgreSQL only.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
            5 if env_bool("HAVEN_DB_PREPARED", True) else None
        )
else:
    _sqlite_path = env_str("HAVEN_SQLITE_PATH", str(VAR_DIR / "haven.sqlite3"))
    # Personal data: the file (and its -wal and -shm) is the service user's alone.
    private_sqlite_file(_sqlite_path)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                # Concurrent writers (issue 12): readers never block the writer (WAL),
                # every transaction takes the write lock when it begins (IMMEDIATE),
                # so none fails upgrading a read lock, and a writer waits its turn
                # for up to 20 s (timeout and busy_timeout) instead of failing.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; "
                    # Erased data keys must not linger in free pages.
                    "PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Haven's backend refuses locked accounts too: at sign-in (the admin's included) and
# for the session of every request, so a lock ends sessions already open.
AUTHENTICATION_BACKENDS = ["haven.accounts.backends.HavenBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions end after a period of inactivity: every request renews the clock.
SESSION_COOKIE_AGE = env_int("HAVEN_SESSION_IDLE_SECONDS", 15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Form pages warn this long before an idle session ends, then keep a draft of the form.
HAVEN_IDLE_WARNING_SECONDS = env_int("HAVEN_IDLE_WARNING_SECONDS", 2 * 60)
# Drafts of long forms (intake, assessments) hold personal data: kept this many days.
HAVEN_DRAFT_DAYS = env_int("HAVEN_DRAFT_DAYS", 14)

HAVEN_LOGIN_MAX_FAILURES = env_int("HAVEN_LOGIN_MAX_FAILURES", 5)
HAVEN_LOGIN_LOCKOUT_SECONDS = env_int("HAVEN_LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Break-glass: how long emergency access lasts.
HAVEN_BREAK_GLASS_MINUTES = env_int("HAVEN_BREAK_GLASS_MINUTES", 60)
HAVEN_API_TOKEN_SECONDS = env_int("HAVEN_API_TOKEN_SECONDS", 8 * 60 * 60)
# Retention: years a record class is kept after it ended, before `haven
# retention run` anonymises it (crypto-shredding). A case ends when its person
# leaves the mechanism (withdrawn, not identified, declined formal identification);
# a concern report ends when it is closed without action. The audit trail holds no
# personal data besides ids and is kept whole (append-only, R-40).
HAVEN_RETENTION_YEARS_ENDED_CASE = env_int("HAVEN_RETENTION_YEARS_ENDED_CASE", 5)
HAVEN_RETENTION_YEARS_CLOSED_REPORT = env_int("HAVEN_RETENTION_YEARS_CLOSED_REPORT", 1)

# Returns: the months after a return at which the partner in the country
# of return follows up, and how many months a country profile stays current before
# it is flagged for review.
HAVEN_RETURN_FOLLOW_UP_MONTHS = env_str("HAVEN_RETURN_FOLLOW_UP_MONTHS", "1,3,6,12")
HAVEN_RETURN_PROFILE_REVIEW_MONTHS = env_int("HAVEN_RETURN_PROFILE_REVIEW_MONTHS", 12)

# Vault keys: base64 of 32 random bytes each. See docs/operations.md.
HAVEN_MASTER_KEY = env_secret("HAVEN_MASTER_KEY")
HAVEN_MASTER_KEYS_PREVIOUS = env_list("HAVEN_MASTER_KEYS_PREVIOUS", [])
HAVEN_INDEX_KEY = env_secret("HAVEN_INDEX_KEY")
# Backups (docs/operations.md): the key sealing `haven backup` files, and the erasure
# ledger that `haven restore` replays. Both live outside the database and its backups.
HAVEN_BACKUP_KEY = env_secret("HAVEN_BACKUP_KEY")
HAVEN_ERASURE_LEDGER_FILE = env_str(
    "HAVEN_ERASURE_LEDGER_FILE", str(VAR_DIR / "erasure-ledger.jsonl")
)

# Audit trail (issues 12, 13): the key of its MACs, seals and anchors, base64 of 32
# bytes, kept apart from the database; the file the worker appends signed heads to
# (outside the database; unset: no scheduled anchors); how often the worker seals;
# how long a missing id may stay in flight before it is sealed as a gap.
HAVEN_AUDIT_KEY = env_secret("HAVEN_AUDIT_KEY")
HAVEN_AUDIT_ANCHOR_FILE = env_str("HAVEN_AUDIT_ANCHOR_FILE")
HAVEN_AUDIT_SEAL_SECONDS = env_int("HAVEN_AUDIT_SEAL_SECONDS", 10)
HAVEN_AUDIT_GAP_GRACE_SECONDS = env_int("HAVEN_AUDIT_GAP_GRACE_SECONDS", 300)

# HTTPS hardening is on unless explicitly turned off (development and demo on loopback).
HTTPS = env_bool("HAVEN_HTTPS", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("HAVEN_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HAVEN_BEHIND_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("HAVEN_CSRF_TRUSTED_ORIGINS", [])

# Strict CSP: no inline script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "en"
# English and every language whose catalogue is in haven/locale, each named in itself
# ("suomi", "eesti", "svenska", "русский"): a language ships with its complete catalogue.
LANGUAGES = shipped_languages()
LOCALE_PATHS = [BASE_DIR / "haven" / "locale"]
# One unambiguous date format per language, in tables and text alike.
FORMAT_MODULE_PATH = ["haven.lib.formats"]
TIME_ZONE = env_str("HAVEN_TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `haven collectstatic` puts the assets the web server (nginx) serves at /static/:
# outside the state directory, which is the service user's alone.
STATIC_ROOT = Path(env_str("HAVEN_STATIC_ROOT", str(VAR_DIR / "static")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "haven.accounts.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "haven.lib.api.api_exception_handler",
    # JSON only, bounded in depth and size (no request body can crash the server).
    "DEFAULT_PARSER_CLASSES": ["haven.lib.parsers.BoundedJSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Haven API",
    "DESCRIPTION": "National Referral Mechanism for assisting victims of human trafficking.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice fields named "outcome": a decision's, and what loading did to a set.
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": "haven.identification.models.Outcome",
        "IndicatorSetLoadOutcomeEnum": "haven.identification.api.indicator_sets.LOAD_OUTCOMES",
    },
}

# No personal data in logs: only Haven's own messages, never request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "haven": {"handlers": ["console"], "level": env_str("HAVEN_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Background work: the database backend, run by `haven db_worker` (no broker needed).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How often the deadline sweep (reminders, escalations) runs.
HAVEN_DEADLINE_SWEEP_SECONDS = env_int("HAVEN_DEADLINE_SWEEP_SECONDS", 60)
# /health/ready fails "worker" when a due task has waited this long for `haven db_worker`
# (the sweep requeues itself, so a running worker leaves nothing waiting); 0: not checked.
HAVEN_HEALTH_WORKER_STALE_SECONDS = env_int("HAVEN_HEALTH_WORKER_STALE_SECONDS", 600)
# National decision pathways (data, not code); defaults ship with Haven.
HAVEN_PATHWAYS_FILE = env_str(
    "HAVEN_PATHWAYS_FILE", str(BASE_DIR / "haven" / "identification" / "data" / "pathways.yaml")
)
# response-time targets per referral type (data, not code); defaults ship with Haven.
HAVEN_REFERRAL_TARGETS_FILE = env_str(
    "HAVEN_REFERRAL_TARGETS_FILE",
    str(BASE_DIR / "haven" / "referrals" / "data" / "referral_targets.yaml"),
)
# which rule decides the child screening result: legal_baseline (default)
# or ilo_strict_unverified (the ILO wording is not verified; see domain rules).
HAVEN_CHILD_VICTIM_POLICY = env_str("HAVEN_CHILD_VICTIM_POLICY", "legal_baseline")
# a child's interview held more than this many days after the report is flagged as
# unduly delayed. 14 (two weeks) is a common national target; PROMISE standard 1.3 sets none.
HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS = env_int("HAVEN_CHILD_INTERVIEW_MAX_DELAY_DAYS", 14)
# days before a residence permit expires that its team is reminded to renew it.
HAVEN_PERMIT_REMINDER_DAYS = env_int("HAVEN_PERMIT_REMINDER_DAYS", 30)
# days after a stage change within which the needs and risk assessments are redone.
HAVEN_REASSESSMENT_DAYS = env_int("HAVEN_REASSESSMENT_DAYS", 14)
# Issue 6: a service-directory entry its organisation has not confirmed for this many days
# is marked stale ("may be out of date") and listed after the current ones.
HAVEN_DIRECTORY_STALE_DAYS = env_int("HAVEN_DIRECTORY_STALE_DAYS", 180)

# Cross-border referral packages: this instance's focal point id (as
# partners register it) and its private keys, base64 of 32 bytes (`haven crossborder
# keygen`). Unset: cross-border referral is not configured here.
HAVEN_FOCAL_POINT_ID = env_str("HAVEN_FOCAL_POINT_ID")
HAVEN_FOCAL_POINT_ENCRYPTION_KEY = env_secret("HAVEN_FOCAL_POINT_ENCRYPTION_KEY") or ""
HAVEN_FOCAL_POINT_SIGNING_KEY = env_secret("HAVEN_FOCAL_POINT_SIGNING_KEY") or ""
# Days a package may be imported after it was made; hours until a missing
# acknowledgement raises an alert to the sender's staff.
HAVEN_CROSSBORDER_PACKAGE_DAYS = env_int("HAVEN_CROSSBORDER_PACKAGE_DAYS", 14)
HAVEN_CROSSBORDER_ACK_HOURS = env_int("HAVEN_CROSSBORDER_ACK_HOURS", 72)

# Notifications (issue 6): also e-mail referral, desk, deadline and break-glass
# notifications (no personal data: what happened, a case reference, a link).
HAVEN_EMAIL_NOTIFICATIONS = env_bool("HAVEN_EMAIL_NOTIFICATIONS", False)
# The address of this Haven, for links in e-mails.
HAVEN_BASE_URL = env_str("HAVEN_BASE_URL", "http://127.0.0.1:8000")
# The public "report a concern" page (issue 6): at most this many reports from one client
# address (kept only as a keyed hash) within the window, counted in the database.
HAVEN_REPORT_RATE_LIMIT = env_int("HAVEN_REPORT_RATE_LIMIT", 5)
HAVEN_REPORT_RATE_WINDOW_MINUTES = env_int("HAVEN_REPORT_RATE_WINDOW_MINUTES", 60)
# "Is this person already known?" at intake (issue 14): when on, a case opens only after
# a check of the same identity; matches shown from this probability (percent); at most
# this many candidates are decrypted per check, and this many checks per user per window.
HAVEN_LINKAGE_REQUIRE_SEARCH = env_bool("HAVEN_LINKAGE_REQUIRE_SEARCH", False)
HAVEN_LINKAGE_THRESHOLD_PERCENT = env_int("HAVEN_LINKAGE_THRESHOLD_PERCENT", 50)
HAVEN_LINKAGE_MAX_CANDIDATES = env_int("HAVEN_LINKAGE_MAX_CANDIDATES", 20)
# A blocking key shared by more persons than this (a common name pair without a year)
# is skipped by the check: it names no one in particular and its block costs the most.
HAVEN_LINKAGE_CHECK_MAX_BLOCK = env_int("HAVEN_LINKAGE_CHECK_MAX_BLOCK", 1000)
# When on, the check scores with the register's size as the prior (as the batch does)
# once the register is larger than the one the model was fitted on: fewer namesakes
# flagged, but fewer persons found too (docs/linkage.md, "at a million persons").
HAVEN_LINKAGE_CHECK_REGISTER_PRIOR = env_bool("HAVEN_LINKAGE_CHECK_REGISTER_PRIOR", False)
# How far (percent, on a log scale) the check's prior moves from the fitted register's
# size towards the register's own once it is larger; 50: their geometric middle, the
# best calibrated of those measured on both bench registers with the full name's count
# (docs/linkage.md, "how common the name is" and the fourth pass). The setting above
# makes it 100.
HAVEN_LINKAGE_CHECK_PRIOR_PERCENT = env_int("HAVEN_LINKAGE_CHECK_PRIOR_PERCENT", 50)
HAVEN_LINKAGE_CHECK_LIMIT = env_int("HAVEN_LINKAGE_CHECK_LIMIT", 60)
HAVEN_LINKAGE_CHECK_WINDOW_MINUTES = env_int("HAVEN_LINKAGE_CHECK_WINDOW_MINUTES", 10)
# Protected statistics (issue 15): the total ε each dataset (registered victims of one
# country in one year) may ever spend on differentially private releases.
HAVEN_STATISTICS_DP_BUDGET = env_decimal("HAVEN_STATISTICS_DP_BUDGET", "2")
# Statistics exchange (issue 15, R-45, R-46): k of the victim-level release (CTDC's is 11)
# and the largest share of records it may suppress; cells under this count are suppressed
# in the regional exchange file, signed with this Ed25519 key (base64 of 32 bytes) and
# checked against the other states' public keys in the peers file (YAML, country: key).
HAVEN_STATISTICS_K = env_int("HAVEN_STATISTICS_K", 11)
HAVEN_STATISTICS_K_MAX_SUPPRESSION_PERCENT = env_int(
    "HAVEN_STATISTICS_K_MAX_SUPPRESSION_PERCENT", 5
)
HAVEN_STATISTICS_EXCHANGE_THRESHOLD = env_int("HAVEN_STATISTICS_EXCHANGE_THRESHOLD", 5)
HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY = env_secret("HAVEN_STATISTICS_EXCHANGE_SIGNING_KEY")
HAVEN_STATISTICS_EXCHANGE_PEERS_FILE = env_str(
    "HAVEN_STATISTICS_EXCHANGE_PEERS_FILE",
    str(BASE_DIR / "haven" / "statistics" / "data" / "exchange-peers.yaml"),
)

# Statistics: published counts from 1 to the threshold minus one are
# suppressed (and enough others that none can be recovered); the finer age bands are
# the lower ages of each band, and must include 18 (child or adult is never split).
HAVEN_STATISTICS_SMALL_CELL_THRESHOLD = env_int("HAVEN_STATISTICS_SMALL_CELL_THRESHOLD", 5)
HAVEN_STATISTICS_AGE_BANDS = [
    int(age) for age in env_list("HAVEN_STATISTICS_AGE_BANDS", ["0", "12", "18", "25", "35", "50"])
]
# Batch deduplication by the national coordinator: pairs from this probability (percent,
# below the intake threshold: the queue is for uncertain pairs too) enter the review
# queue; persons are decrypted this many at a time.
HAVEN_LINKAGE_REVIEW_PERCENT = env_int("HAVEN_LINKAGE_REVIEW_PERCENT", 30)
HAVEN_LINKAGE_RUN_BATCH = env_int("HAVEN_LINKAGE_RUN_BATCH", 200)
# Rate limits count the real client address (haven/lib/net.py): X-Forwarded-For is read
# only when the connection comes from one of these proxies (addresses or networks), and
# then its right-most address that is not one of them is the client. Behind a proxy on
# the same machine (HAVEN_BEHIND_PROXY=1) loopback is trusted unless this says otherwise.
HAVEN_BEHIND_PROXY = env_bool("HAVEN_BEHIND_PROXY", False)
HAVEN_TRUSTED_PROXIES = env_list(
    "HAVEN_TRUSTED_PROXIES", ["127.0.0.1", "::1"] if HAVEN_BEHIND_PROXY else []
)
# Sign-in attempts (page and token endpoint) from one client address per window,
# counted in the database so that every server process shares the count.
HAVEN_AUTH_RATE_LIMIT = env_int("HAVEN_AUTH_RATE_LIMIT", 20)
HAVEN_AUTH_RATE_WINDOW_SECONDS = env_int("HAVEN_AUTH_RATE_WINDOW_SECONDS", 60)

# E-mail transport: the console unless an SMTP host is set.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if env_str("HAVEN_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("HAVEN_EMAIL_HOST")
    EMAIL_PORT = env_int("HAVEN_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("HAVEN_EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("HAVEN_EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("HAVEN_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("HAVEN_EMAIL_FROM", "haven@localhost")
