"""Settings shared by every environment. Values from the environment come from ``env.py``."""

from __future__ import annotations

from datetime import timedelta

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from . import env as E

BASE_DIR = E.BASE_DIR
VAR_DIR = E.VAR_DIR
DOCUMENTS_DIR = E.DOCUMENTS_DIR

SECRET_KEY = E.SECRET_KEY
DEBUG = False
ALLOWED_HOSTS = E.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = E.CSRF_TRUSTED_ORIGINS
SITE_URL = E.SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "guardian",
    "simple_history",
    "django_fsm",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "toolkid",
    "audit",
    "consent",
    "requests.apps.RequestsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Security headers of every page, error pages and redirects included (static files are
    # answered by WhiteNoise above and skip them). The values are set below, under "Security
    # headers"; README "Beveiliging" lists each with its ASVS item.
    "csp.middleware.CSPMiddleware",
    "toolkid.middleware.PermissionsPolicyMiddleware",
    "toolkid.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "toolkid.middleware.AbsoluteSessionLifetimeMiddleware",
    "toolkid.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "toolkid.middleware.ActingOrganisationMiddleware",
    "toolkid.middleware.TwoFactorRequiredMiddleware",
    # Axes last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "toolkid.urls"
WSGI_APPLICATION = "toolkid.wsgi.application"
AUTH_USER_MODEL = "toolkid.User"

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
                "toolkid.context_processors.shell",
                # The header's unread notification count (counted only when shown).
                "toolkid.notifications.context",
            ],
        },
    },
]

# Database: embedded SQLite unless DATABASE_URL names a server.
if E.DATABASE_URL:
    DATABASES = {"default": environ.Env.db_url_config(E.DATABASE_URL)}
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database host that does not answer fails a request within seconds (the 503 page,
    # toolkid/views_health.py), instead of hanging until gunicorn kills the worker.
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "toolkid.sqlite3",
            # Workers and web share one file: wait instead of failing on a busy lock.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out account never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions (NEN 7510, L7): 30 minutes of inactivity, 10 hours at most.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = 10 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout after repeated failed logins (django-axes), per user name and address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Never keep typed passwords or codes in axes' records of failed attempts.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# A retry during a lockout counts as a failure and restarts the 30 minutes (axes default).

# Two-factor (django-otp). The TOTP device throttles wrong codes by itself.
OTP_TOTP_ISSUER = "toolKID"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TOOLKID_BACKUP_CODE_COUNT = 10

# Login with the organisation's own account (OpenID Connect, toolkid/oidc/, README "Inloggen
# met het organisatie-account"). The provider's ID token counts as two factors (L7) when its
# ``amr`` holds one of these RFC 8176 values, or its ``acr`` is one the provider's row names;
# otherwise toolKID asks for its own TOTP code as after a password. "pwd", "pin", "swk" and
# "kba" alone are one factor, so they are not here.
TOOLKID_OIDC_MFA_AMR_VALUES = ("mfa", "mca", "otp", "hwk", "sc", "sms", "tel")
# Seconds for each call to a provider (discovery, keys, token). A slow provider fails the
# login with a Dutch message instead of holding a web worker.
TOOLKID_OIDC_HTTP_TIMEOUT = 10
# Discovery document and signing keys are cached this long (a key the cache lacks is fetched
# at once: providers rotate keys).
TOOLKID_OIDC_CACHE_SECONDS = 60 * 60
# Plain http is accepted for these hosts only (the local test provider); anything else must
# use https.
TOOLKID_OIDC_HTTP_HOSTS = ("127.0.0.1", "localhost")

# django-guardian: object permissions use direct-FK models; no anonymous user object.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded documents never get a public URL; see consent.storage.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DOCUMENTS_DIR), "base_url": None}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = None
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
TOOLKID_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Mail: a link and a neutral sentence only (privacy by design).
if E.EMAIL_URL:
    vars().update(environ.Env.email_url_config(E.EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = E.DEFAULT_FROM_EMAIL

# Celery. Reliability first: a task is acknowledged after it ran, a task whose worker died
# goes back on the queue, a worker holds one message at a time. Arguments are ids only.
CELERY_BROKER_URL = E.CELERY_BROKER_URL or "filesystem://"
CELERY_EMBEDDED_BROKER = not E.CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = TIME_ZONE
# Broker outages (README "Productie"): worker and beat wait for Redis however long it is away.
# They reconnect with kombu's capped backoff (2, 4, 6 … s, then every 30 s; Celery passes no
# interval, kombu.Connection.ensure_connection's defaults apply) and never give up: None means
# forever (Celery docs, broker_connection_max_retries; 0 would mean "do not retry", celery#8626).
# Celery's default of 100 retries is about 45 minutes, after which the worker exits.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task still running when the connection drops can no longer be acknowledged (acks late):
# the worker stops it instead of letting it finish unacknowledged, and the message is delivered
# again later. Safe because every task is idempotent (the sweep works on rows; the next tick
# does the same work). Celery 6 makes this the default (worker_cancel_long_running_tasks_…).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Sending a task retries briefly, capped at one second (Celery's default, spelled out): beat
# logs one line and tries again on its next tick (toolkid.celery_beat.QuietScheduler), and a
# request that enqueues a task must not hang on a missing Redis.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3, "interval_start": 0, "interval_step": 0.2, "interval_max": 1,
}
CELERY_BEAT_SCHEDULER = "toolkid.celery_beat:QuietScheduler"
if CELERY_EMBEDDED_BROKER:
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # The exchange tables; kombu's default is ./control in the working directory, which
        # leaked into the repository. Runtime data lives under TOOLKID_VAR_DIR.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than the hard time limit of any task: an unacked message is only redelivered
    # when its worker is really gone.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
TOOLKID_SWEEP_SECONDS = E.SWEEP_SECONDS
#: Which installation wrote an audit line (NEN 7513 audit source id; audit.events.record).
TOOLKID_AUDIT_SOURCE = E.AUDIT_SOURCE
#: ADR 0006: audit events are sealed by beat every TOOLKID_AUDIT_SEAL_SECONDS, once older than
#: TOOLKID_AUDIT_SEAL_GRACE seconds; /gereed/ fails when the oldest unsealed one is older than
#: TOOLKID_AUDIT_SEAL_MAX_LAG seconds.
TOOLKID_AUDIT_SEAL_GRACE = E.AUDIT_SEAL_GRACE
TOOLKID_AUDIT_SEAL_MAX_LAG = E.AUDIT_SEAL_MAX_LAG
CELERY_BEAT_SCHEDULE = {
    # Lets operators (and the integration tests) see that worker and beat are alive.
    "heartbeat": {"task": "toolkid.tasks.heartbeat", "schedule": timedelta(seconds=E.SWEEP_SECONDS)},
    "clear-expired-sessions": {"task": "toolkid.tasks.clear_expired_sessions",
                               "schedule": timedelta(hours=1)},
    # L6: delete what has outlived its retention term, once a night, with a register.
    "retention-sweep": {"task": "audit.tasks.retention_sweep", "schedule": crontab(hour=3, minute=30)},
    # R41, ADR 0006: cover the audit events written since the last run with seals.
    "audit-seal": {"task": "audit.tasks.seal", "schedule": timedelta(seconds=E.AUDIT_SEAL_SECONDS)},
    # A started draft nobody typed in holds no data; gone a day later (requests.filing.draft).
    "remove-empty-drafts": {"task": "requests.tasks.remove_empty_drafts",
                            "schedule": crontab(hour=3, minute=15)},
    # R26: reminders and escalations of the answer term. Works on rows: whatever is
    # due as of now is sent once, so a missed run is caught up by the next one. The embedded
    # default (`make run`: filesystem broker, worker + beat) runs the same schedule.
    "deadline-sweep": {"task": "requests.tasks.deadline_sweep",
                       "schedule": timedelta(seconds=E.SWEEP_SECONDS)},
    # ADR 0007 §9: webhook retries that came due, and events whose own delivery run could not
    # be asked for (Redis away). The rows are the work; a missed tick loses nothing.
    "webhook-delivery": {"task": "toolkid.webhooks.tasks.deliver_webhooks",
                         "schedule": timedelta(seconds=30)},
}
#: Webhooks (toolkid/webhooks, ADR 0007 §9). Off in production: an endpoint must be https and
#: resolve to public addresses only (no loopback, private or link-local ranges: a webhook URL
#: must not reach the platform's own network). dev and test allow local receivers.
TOOLKID_WEBHOOKS_ALLOW_LOCAL = False
#: Seconds a claimed delivery may stay unreported before another run posts it again (a dead
#: worker); a POST takes at most 5 s.
TOOLKID_WEBHOOK_CLAIM_TIMEOUT = 600
#: Failed attempts after which a delivery is given up (backoff doubling from 30 s, capped at
#: 6 h from the 11th on: the last attempt about 33 hours after the first). A platform
#: administrator can still send it again by hand.
TOOLKID_WEBHOOK_MAX_ATTEMPTS = 15
#: Local hour (0–23) at which the notices of a day go: the reminder two working days before the
#: due date, the due-day reminder, the overdue alert and the second escalation. A sweep that
#: runs earlier that day sends nothing for that day yet.
TOOLKID_DEADLINE_NOTICE_HOUR = 7
#: How many notices the sweep claims per transaction (TOOLKID_SWEEP_BATCH_SIZE): a batch costs
#: about a dozen statements whatever its size (one audit INSERT, one notification INSERT), so
#: 500 sends 10,000 notices in 20 short transactions; a crash loses at most one uncommitted batch.
TOOLKID_SWEEP_BATCH_SIZE = E.SWEEP_BATCH_SIZE
#: Seconds a claimed e-mail may stay unconfirmed before another run sends it again: a send takes
#: seconds, and a worker that died mid-send never confirms (toolkid.notifications).
TOOLKID_EMAIL_CLAIM_TIMEOUT = 600
#: Health (toolkid/health.py, /gereed/, manage.py health_check): a heartbeat older than this
#: many seconds is stale (TOOLKID_SWEEP_STALE_AFTER); a probe gives the broker this long.
TOOLKID_SWEEP_STALE_AFTER = E.SWEEP_STALE_AFTER
TOOLKID_HEALTH_TIMEOUT = 3

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": E.LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}

# Security headers everywhere; production tightens the transport settings (HSTS, secure
# cookies). README "Beveiliging" lists every header and limit with the ASVS item it serves.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp, ASVS V14.4.3): scripts, styles, images and fonts from the
# app itself only. No 'unsafe-inline': templates hold no <script> or <style> blocks, no style
# attributes and no on…= handlers (tests/toolkid/test_security_headers.py checks). The TOTP QR
# code is inline SVG, not a data: image, so img-src needs no data:. A response that sets its
# own policy keeps it (the consent download: default-src 'none'; sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Permissions-Policy (toolkid.middleware.PermissionsPolicyMiddleware): browser features no
# page of toolKID uses, switched off for the page and anything in it ("feature=()").
TOOLKID_PERMISSIONS_POLICY = [
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
    "sync-xhr", "usb", "xr-spatial-tracking",
]

# Retention (DOMAIN.md L6, L5), in whole years. Lower than the legal minimum is refused.
# Case records: 20 years after their last change (WGBO, Jeugdwet). Audit events: at least 5.
TOOLKID_RETENTION_CASE_YEARS = 20
TOOLKID_RETENTION_AUDIT_YEARS = 5

# The REST API for the organisations' own systems (docs/adr/0007, README "Koppelen").
# Authentication, scopes and errors are toolKID's own (toolkid/api); every decision stays with
# the policy and the services, exactly as for the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "toolkid.api.authentication.SystemKeyAuthentication",
        "toolkid.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["toolkid.api.permissions.ActsForPerson"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "toolkid.api.throttling.ClientReadThrottle",
        "toolkid.api.throttling.ClientWriteThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "toolkid.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "toolkid.api.problems.handler",
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": "format",
    # The API's own limits: the policy and services reject what these do not.
    "DEFAULT_VERSIONING_CLASS": None,
}
# Requests per minute for a connected system without its own limits, and for a browser session.
TOOLKID_API_READS_PER_MINUTE = 600
TOOLKID_API_WRITES_PER_MINUTE = 60
# Failed authentications per minute from one address, before any database work.
TOOLKID_API_FAILED_AUTH_PER_MINUTE = 30

SPECTACULAR_SETTINGS = {
    "TITLE": "toolKID API",
    "DESCRIPTION": (
        "Informatieverzoeken tussen jeugdhulp en volwassenen-GGZ volgens het regionale protocol "
        "toolKID (regio Heerlen/Parkstad). Elke aanroep handelt namens een medewerker "
        "(header Toolkid-Gebruiker) binnen de rollen van de sleutel; elke lezing staat in het "
        "auditlog (NEN 7513). Fouten zijn Problem Details (RFC 9457) met een Nederlandse melding."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The security schemes come from the authentication classes (toolkid/api/schema.py).
    # The same choice set under one name, and different ones called "status" told apart.
    "ENUM_NAME_OVERRIDES": {
        "VerzoekStatusEnum": "requests.core.workflow.RequestStatus",
        "ToestemmingStatusEnum": "consent.workflow.ConsentStatus",
        "OnderwerpEnum": "requests.core.models.Topic",
        "KaderEnum": "requests.core.models.LegalFramework",
        "ErnstEnum": "requests.core.models.Severity",
        "BesluitEnum": "requests.core.models.Decision",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "toolkid.api.schema.add_problem_types",
    ],
}
