"""The one settings module. Everything that differs between a laptop and a clinic
network comes from the environment (see docs/operations.md)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from alliance.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ALLIANCE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Demo mode prints demo logins and shows a banner; it never weakens 2FA.
DEMO_MODE = env_bool("ALLIANCE_DEMO", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise RuntimeError(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off"
        )
    # A laptop gets a random key kept under var/, never a key committed to git.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "alliance.core",
    "alliance.audit",
    "alliance.operations",
    "alliance.accounts",
    "alliance.clients",
    "alliance.alerts",
    "alliance.safety",
    "alliance.techniques",
    "alliance.messaging",
    "alliance.scheduling",
    "alliance.notes",
    "alliance.measures",
    "alliance.intake",
    "alliance.checkins",
    "alliance.journal",
    "alliance.guides",
    "alliance.plans",
    "alliance.homework",
    "alliance.toolbox",
    "alliance.billing",
    "alliance.termination",
    "alliance.aftercare",
    "alliance.reminders",
    "alliance.supervision",
    "alliance.chart",
    "alliance.home",
    "alliance.portal",
    "alliance.demo",
    "alliance.fhir",
    "alliance.api",
    "alliance.exports",
    "alliance.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alliance.core.health.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alliance.core.middleware.PracticeTimeZoneMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "alliance.accounts.middleware.SecondFactorMiddleware",
    "alliance.measures.middleware.KioskMiddleware",
    "alliance.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "alliance" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "alliance.core.context_processors.alliance",
                "alliance.portal.context_processors.portal_nav",
            ],
        },
    }
]

# DB_CONN_MAX_AGE > 0 keeps a connection per worker across requests
# (docs/deployment.md); a kept connection is checked before it is reused, so
# a database restart costs no failed request.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'alliance.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN so a transaction never fails later
    # upgrading a read lock; WAL + FULL keeps committed rows across crashes
    # (SECURITY.md section 3.12).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
# A read replica (a streaming-replication standby) for heavy read-only work:
# the practice outcomes report reads from it inside
# alliance.core.replica.reading_from_replica(); everything else, and every
# write, uses the primary (docs/deployment.md).
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    # Tests see one database under both names.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["alliance.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every web and worker process when REDIS_URL is set (e.g.
# redis://127.0.0.1:6379/0): expected-recovery curves are fitted once per
# network, and sessions are read from Redis (written through to the database,
# so a Redis restart signs nobody out). Without it each process keeps its own
# in-memory cache and sessions live in the database only; both are correct,
# only the curves are refitted per process (docs/deployment.md).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "alliance"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "alliance.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock out a username from one address only, so nobody can lock a clinician out
# from elsewhere (SECURITY.md section 3.5).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# And a ceiling per account from all addresses together (alliance/accounts/
# throttle.py): after this many wrong passwords within the window, the account
# takes no password from a new address until the window has passed; addresses
# it signed in from lately are not held.
ACCOUNT_FAILURE_LIMIT = env_int("ACCOUNT_FAILURE_LIMIT", 10)
ACCOUNT_FAILURE_WINDOW = timedelta(minutes=env_int("ACCOUNT_FAILURE_MINUTES", 15))
ACCOUNT_TRUSTED_ADDRESS_DAYS = env_int("ACCOUNT_TRUSTED_ADDRESS_DAYS", 30)
# One counter per address, however the email is capitalised; and the real
# client address behind TRUSTED_PROXY_COUNT reverse proxies (nginx, a load
# balancer), or every client would share the proxy's address and lockout would
# fall back to username only.
AXES_USERNAME_CALLABLE = "alliance.accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "alliance.core.net.client_ip"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Idle timeout: every request pushes expiry 15 minutes ahead.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 15) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_HOURS = 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "alliance" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "uploads"

# Field encryption keys live in a file outside the database (or in the
# environment), never in SECRET_KEY or in a table.
ALLIANCE_KEYS_FILE = Path(env_str("ALLIANCE_KEYS_FILE", str(VAR_DIR / "keys.json")))

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "alliance@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# How risk alert notifications are sent (alliance/alerts/notify.py): dotted
# paths of channel classes; add an SMS or push channel here.
ALLIANCE_ALERT_CHANNELS = ["alliance.alerts.notify.EmailChannel"]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Alliance")

# REST API calls per personal token per minute (alliance.api; docs/api.md).
ALLIANCE_API_RATE_LIMIT = env_int("ALLIANCE_API_RATE_LIMIT", 120)

# Strict CSP: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
