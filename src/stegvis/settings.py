"""One settings module, driven by environment variables (see docs/operations.md)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import dj_database_url

from stegvis.conf import (
    env,
    envbool,
    envint,
    envlist,
    generated_secret,
    new_fernet_key,
    new_secret_key,
    postgres_options,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env("STEGVIS_HOME") or Path.cwd()).resolve()
VAR_DIR = Path(env("STEGVIS_VAR_DIR") or BASE_DIR / "var").resolve()

DEBUG = envbool("STEGVIS_DEBUG", False)
SECRET_KEY = env("STEGVIS_SECRET_KEY") or generated_secret(VAR_DIR, "secret_key", new_secret_key)
# Key (Fernet format) for personal identifiers at rest, see core/crypto.py; HMAC look-up keys
# derive from SECRET_KEY's sibling below so that rotating the session secret does not break
# duplicate detection.
FIELD_ENCRYPTION_KEY = env("STEGVIS_FIELD_ENCRYPTION_KEY") or generated_secret(
    VAR_DIR, "field_encryption_key", new_fernet_key
)
LOOKUP_HMAC_KEY = env("STEGVIS_LOOKUP_HMAC_KEY") or generated_secret(
    VAR_DIR, "lookup_hmac_key", new_secret_key
)

ALLOWED_HOSTS = envlist("STEGVIS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("STEGVIS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Swagger UI for /api/v1/docs from ninja's own static files: no CDN, within the CSP.
    "ninja",
    "stegvis.core",
    "stegvis.interventions",
    "stegvis.matching",
    "stegvis.participants",
    "stegvis.activities",
    "stegvis.imports",
    "stegvis.assessments",
    "stegvis.plans",
    "stegvis.surveys",
    "stegvis.reports",
    "stegvis.knowledge",
    "stegvis.evaluation",
    "stegvis.api",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "stegvis.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stegvis.core.middleware.RequestIdMiddleware",
    "stegvis.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stegvis.core.middleware.SessionIdleTimeoutMiddleware",
    "stegvis.security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stegvis.core.middleware.FederationMiddleware",
    "stegvis.api.middleware.ApiTokenMiddleware",
]

ROOT_URLCONF = "stegvis.urls"
WSGI_APPLICATION = "stegvis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stegvis.core.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "stegvis.core.renderers.Renderer"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'stegvis.sqlite3'}",
        conn_max_age=envint("STEGVIS_DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before a request reuses it: after a database restart
        # the first request gets a new connection instead of an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that cannot be reached fails the request within seconds (a Swedish 503, see
    # stegvis.core.outage) instead of holding a worker until the operating system gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("STEGVIS_DB_CONNECT_TIMEOUT", 5)
    )
    # No server-side cursors: iterating a queryset (the choices of a select box) costs one round
    # trip instead of three, and PgBouncer in transaction mode, which cannot keep a cursor
    # between transactions, works in front of the database.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    postgres_options(DATABASES["default"]["OPTIONS"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; a busy timeout instead of "database is locked".
    # A 64 MiB page cache (taken only as needed) keeps index pages of large imports in memory.
    # A sort larger than the cache (a report grouping millions of rows) may use a second
    # thread: 20-25 % off the largest growth reports, nothing on small ones.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
            "PRAGMA threads=2;"
        ),
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# Django's model backend, reading the user together with his memberships (stegvis.core.backends).
AUTHENTICATION_BACKENDS = ["stegvis.core.backends.MemberBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("STEGVIS_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling: after N failures for one username or one address inside the window,
# further attempts are refused until the window has passed.
LOGIN_FAILURE_LIMIT = envint("STEGVIS_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = envint("STEGVIS_LOGIN_FAILURE_WINDOW", 15 * 60)
# Behind a reverse proxy: the header it puts the client's address in (e.g. X-Forwarded-For).
# Off by default: without a proxy, a client could send the header itself.
TRUSTED_PROXY_HEADER = env("STEGVIS_TRUSTED_PROXY_HEADER") or ""

# Sessions end after a period without activity, and at most after a working day.
SESSION_IDLE_TIMEOUT_SECONDS = envint("STEGVIS_SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_AGE = envint("STEGVIS_SESSION_MAX_AGE", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

HTTPS = envbool("STEGVIS_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("STEGVIS_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_SSL_REDIRECT = envbool("STEGVIS_SSL_REDIRECT", False)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# Swedish only: the interface is written in Swedish, so a browser asking for English must not
# get English dates and form errors mixed into it.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # filled by collectstatic in production
# WhiteNoise warns about a missing root before the first collectstatic; an empty one is fine.
with contextlib.suppress(OSError):  # read-only installation: collectstatic has made it
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Query strings hold searched names and numbers: never in a log line.
    "filters": {"no_query_strings": {"()": "stegvis.security.logs.NoQueryStrings"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]},
    },
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("STEGVIS_LOG_LEVEL", "WARNING")},
}

# Imports check and write in a background thread of the web process (see docs/scaling.md).
IMPORTS_IN_BACKGROUND = envbool("STEGVIS_IMPORTS_IN_BACKGROUND", True)
API_RATE_LIMIT_PER_MINUTE = envint("STEGVIS_API_RATE_LIMIT", 600)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
NINJA_PAGINATION_MAX_LIMIT = 500

# Federation-wide defaults; each federation may override them in its settings.
STEGVIS_DEFAULTS = {
    "small_cell_threshold": 5,
    "retention_days_after_exit": 365 * 2,
    # After a consent is withdrawn and no other is in force: days before `stegvis purge`
    # removes the identifying data (time to undo a withdrawal recorded by mistake).
    "purge_days_after_withdrawal": 30,
    "nad_compensation_sek": 1500,
    "nad_min_sessions": 5,
    "nad_participants_per_leader": 10,
    # A participant counts for compensation when present at no less than this share of the
    # activity's held sessions (see stegvis.activities.rules).
    "nad_min_attendance_share": 0.5,
    # Overrides of stegvis.matching.scoring.DEFAULT_WEIGHTS, e.g. {"same_municipality": 2.0}.
    "matching_weights": {},
    # Lead-time target: a referral decided within this many days (report lead-times).
    "lead_time_decision_days": 14,
    # Roles that read personal data must log in with a second factor (stegvis.security).
    "two_factor_required": True,
}
OTP_TOTP_ISSUER = "stegvis"

# Single sign-on with OpenID Connect, for an authority's identity provider (stegvis.security.sso).
SSO_ENABLED = bool(env("STEGVIS_OIDC_CLIENT_ID"))
if SSO_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS = [
        "stegvis.core.backends.MemberBackend",
        "stegvis.security.sso.ExistingAccountsBackend",
    ]
    OIDC_RP_CLIENT_ID = env("STEGVIS_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("STEGVIS_OIDC_CLIENT_SECRET") or ""
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("STEGVIS_OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("STEGVIS_OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("STEGVIS_OIDC_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("STEGVIS_OIDC_JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = env("STEGVIS_OIDC_SIGN_ALGO") or "RS256"
    OIDC_RP_SCOPES = env("STEGVIS_OIDC_SCOPES") or "openid email profile"
    OIDC_CREATE_USER = False
    LOGIN_REDIRECT_URL_FAILURE = "login"
STEGVIS_OIDC_CLAIM = env("STEGVIS_OIDC_CLAIM") or "email"
STEGVIS_OIDC_LABEL = env("STEGVIS_OIDC_LABEL") or "Logga in med organisationens konto"
