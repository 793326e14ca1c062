"""One environment-driven configuration for development, tests and production.

Every setting that differs between machines comes from an environment variable (README lists
them). With DATABASE_URL unset, `dev.py` starts an embedded PostgreSQL and sets it; with
REDIS_URL unset, Celery runs tasks in-process.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin site asks for a verified second factor (accounts/admin_site.py).
    "accounts.apps.VerifiedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "reengage",
    "accounts",
    "centers",
    "youth",
    "referrals",
    "sis_bridge",
    "reports",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below) and Permissions-Policy.
    "csp.middleware.CSPMiddleware",
    "reengage.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a signed-in user unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Ends sessions past their absolute lifetime or signed out everywhere; holds a session that
    # still owes its second factor (or, for roles that require one, its enrolment) at that page.
    "accounts.middleware.SignInSecurityMiddleware",
    # Tags every change that pghistory records with the user and the page.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A database that stops answering gets a 503 page, not a stack trace; a task that cannot
    # be queued gets a message, not a 500 (reengage/faults.py).
    "reengage.faults.FaultsMiddleware",
    # Sign-in attempts per address (views limit searches and exports per user).
    "reengage.ratelimits.SignInRateLimitMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reengage.urls"
WSGI_APPLICATION = "reengage.wsgi.application"
ASGI_APPLICATION = "reengage.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "centers.context_processors.staff_roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if "DATABASE_URL" not in env:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `python3 dev.py run` (it starts an embedded PostgreSQL) "
        "or point DATABASE_URL at a PostgreSQL server."
    )
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles the report statements for seconds to save milliseconds (3.3 s of a
# 3.7 s breakdown at 20,000 youth, bench/RESULTS.md): off for the application's sessions.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sign-in -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# django-axes: the sixth try after five failures is refused, per account (not per address,
# since a whole center signs in from one address).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_HOURS", default=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
# axes warns when the address is not a lockout key; locking by address would lock out a whole
# center, whose staff share one, after any five mistakes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False
# Behind a proxy, the client address comes from X-Forwarded-For set by that proxy.
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

# Sessions end after 30 idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after its sign-in.
SESSION_ABSOLUTE_LIFETIME_HOURS = env.int("SESSION_ABSOLUTE_LIFETIME_HOURS", default=12)

# Two-step sign-in (django-otp): required for supervisors, analysts and administrators, optional
# for counselors (accounts/selectors.py). Each wrong code doubles the wait before the next try
# (1, 2, 4, 8 ... seconds), per device.
OTP_TOTP_ISSUER = "reengage"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin's device pages never show a secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Los_Angeles"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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
# Tests and runserver find files in place; production serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = DEBUG

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A page that queues a task must not hang on a broker that is down: give up within a few
# seconds (reengage/faults.py then tells the user the task was not queued).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- Cache: rate-limit counters -------------------------------------------------------------
# Shared by all web processes through Redis; one process's memory without it (development).
# When Redis stops answering, requests are not counted rather than refused (reengage/cache.py);
# django-axes, in the database, still locks an account after five failed sign-ins.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "reengage.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "reengage",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_FAIL_OPEN = True
# Requests allowed before a 429 (reengage/ratelimits.py): sign-in posts per client address
# (a center's staff share one); per user, searches, participant extracts (asked for, and
# downloaded) and grant report downloads (aggregate counts, so more of them).
RATE_LIMITS = {
    "sign_in": env.str("RATE_LIMIT_SIGN_IN", default="30/m"),
    "search": env.str("RATE_LIMIT_SEARCH", default="60/m"),
    "export": env.str("RATE_LIMIT_EXPORT", default="10/h"),
    "report_download": env.str("RATE_LIMIT_REPORT_DOWNLOAD", default="30/h"),
}

# --- The district SIS (an Ed-Fi ODS/API; the mock in development) ----------------------------
SIS_BASE_URL = env.str("SIS_BASE_URL", default="")
SIS_CLIENT_ID = env.str("SIS_CLIENT_ID", default="")
SIS_CLIENT_SECRET = env.str("SIS_CLIENT_SECRET", default="")
SIS_TIMEOUT_SECONDS = env.float("SIS_TIMEOUT_SECONDS", default=5.0)
# A full nightly sync may page through all of the SIS's students (far fewer requests) instead
# of asking for each linked youth. That reads the records of students without consent, then
# drops them: off unless the district's data agreement allows it.
SIS_FULL_SYNC_PAGING = env.bool("SIS_FULL_SYNC_PAGING", default=False)

# --- Participant extracts ---------------------------------------------------------------------
# Shared by the web and worker processes (a volume in docker-compose.yml).
EXPORTS_DIR = env.path("EXPORTS_DIR", default=BASE_DIR / "exports")
EXPORT_RETENTION = datetime.timedelta(hours=env.int("EXPORT_RETENTION_HOURS", default=24))

# --- Retention --------------------------------------------------------------------------------
# Years after a youth's last case closed before `archive_closed_cases` removes their personal
# fields (youth/retention.py). Five covers the WIOA follow-up year after exit plus the three
# years records are kept after the grant's final expenditure report (2 CFR 200.334), which is
# filed after the program year closes.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
# Only our own files run, style or load: no inline script or style, no eval (htmx's eval-based
# features are off in base.html's htmx-config). USWDS's CSS draws icons from data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# No page needs these browser features.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# /healthz answers load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging: no personal data goes to logs; requests are logged by path only ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"without_query_string": {"()": "reengage.logging.WithoutQueryString"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["without_query_string"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # httpx logs each request's full URL, and SIS URLs carry student IDs: quiet, and
        # without query strings should the level be lowered.
        "httpx": {"level": "WARNING", "filters": ["without_query_string"]},
        "httpcore": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # Its DEBUG records carry the whole template context (a youth's name, the form input).
        "django.template": {"level": "INFO"},
        "django.server": {"handlers": ["requests"], "level": "INFO", "propagate": False},
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
