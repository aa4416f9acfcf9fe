"""The test suite. SQLite by default; PostgreSQL and Redis when DATABASE_URL/CELERY_BROKER_URL
are set (CI does both)."""

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, STATIC_ROOT, VAR_DIR

DEBUG = False
# The demo data (load_demo, demo_code): dev, test and e2e only, never base or production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests point DOCUMENTS_DIR at their own tmp_path; this is the fallback.
DOCUMENTS_DIR = VAR_DIR / "test-documents"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DOCUMENTS_DIR), "base_url": None}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
AXES_ENABLED = True

# WhiteNoise serves from the finders here; the folder only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Webhooks may post to a receiver on this machine (production: https and public addresses only).
TOOLKID_WEBHOOKS_ALLOW_LOCAL = True
