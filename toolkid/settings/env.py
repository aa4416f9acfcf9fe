"""Every environment variable toolKID reads, read here and nowhere else.

Each variable is documented beside its default, and the same list is in the README
("Configuratie"). Settings modules import the values from here; no other module
calls ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# DJANGO_SETTINGS_MODULE is read by manage.py/wsgi/celery; default toolkid.settings.dev.

#: SECRET_KEY — signing key. Dev/test use a fixed insecure key; production refuses it.
INSECURE_DEFAULT_SECRET = "dev-insecure-not-for-production"  # noqa: S105
SECRET_KEY: str = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET)

#: DEBUG — only honoured by the dev settings; production refuses to start with it on.
DEBUG: bool = env.bool("DEBUG", default=False)

#: ALLOWED_HOSTS — comma separated host names the site answers to.
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

#: CSRF_TRUSTED_ORIGINS — comma separated origins (scheme://host) for HTTPS behind a proxy.
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

#: DATABASE_URL — e.g. postgres://toolkid@127.0.0.1:5432/toolkid. Empty: embedded SQLite.
DATABASE_URL: str = env.str("DATABASE_URL", default="")

#: CELERY_BROKER_URL — e.g. redis://127.0.0.1:6379/0. Empty: the embedded filesystem broker.
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")

#: CACHE_URL — e.g. redis://127.0.0.1:6379/1: the shared cache for the API's rate limits
#: (every gunicorn worker must count the same minute). Empty: the production settings use the
#: broker's Redis; dev and test keep a cache per process.
CACHE_URL: str = env.str("CACHE_URL", default="")

#: TOOLKID_VAR_DIR — where the embedded database, broker folders, beat schedule and
#: uploaded documents live. Never under a public URL.
VAR_DIR: Path = Path(env.str("TOOLKID_VAR_DIR", default=str(BASE_DIR / "var")))

#: TOOLKID_DOCUMENTS_DIR — private storage for uploaded consent declarations.
DOCUMENTS_DIR: Path = Path(env.str("TOOLKID_DOCUMENTS_DIR", default=str(VAR_DIR / "documents")))

#: EMAIL_URL — e.g. smtp+tls://user:pass@mail.example.nl:587. Empty: console (dev) backend.
EMAIL_URL: str = env.str("EMAIL_URL", default="")
#: DEFAULT_FROM_EMAIL — sender of notification e-mails.
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="toolKID <noreply@toolkid.invalid>")
#: SITE_URL — absolute base for links in e-mails (they carry a link, never content).
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

#: TOOLKID_AUDIT_SOURCE — this installation's id on every audit line (NEN 7513 audit source), so
#: logs of several installations can be merged and told apart.
AUDIT_SOURCE: str = env.str("TOOLKID_AUDIT_SOURCE", default="toolkid-dev")
#: TOOLKID_SWEEP_SECONDS — how often Celery beat runs the deadline sweep.
SWEEP_SECONDS: int = env.int("TOOLKID_SWEEP_SECONDS", default=60)

#: TOOLKID_SWEEP_STALE_AFTER — seconds after which the deadline sweep's heartbeat counts as
#: stale: /gereed/ answers 503 and the beat container turns unhealthy. Default: five sweeps.
SWEEP_STALE_AFTER: int = env.int("TOOLKID_SWEEP_STALE_AFTER", default=5 * SWEEP_SECONDS)

#: TOOLKID_AUDIT_SEAL_SECONDS — how often Celery beat seals the audit log (ADR 0006).
AUDIT_SEAL_SECONDS: int = env.int("TOOLKID_AUDIT_SEAL_SECONDS", default=30)
#: TOOLKID_AUDIT_SEAL_GRACE — seconds an audit event waits before it is sealed: longer than any
#: transaction that writes one may last (ADR 0006), and than the clocks of the servers differ.
AUDIT_SEAL_GRACE: int = env.int("TOOLKID_AUDIT_SEAL_GRACE", default=60)
#: TOOLKID_AUDIT_SEAL_MAX_LAG — seconds the oldest unsealed event may wait before /gereed/ fails.
AUDIT_SEAL_MAX_LAG: int = env.int("TOOLKID_AUDIT_SEAL_MAX_LAG", default=300)

#: TOOLKID_SWEEP_BATCH_SIZE — notices the deadline sweep claims per transaction.
SWEEP_BATCH_SIZE: int = env.int("TOOLKID_SWEEP_BATCH_SIZE", default=500)

#: SECURE_SSL_REDIRECT — production: redirect http to https (off when TLS ends elsewhere
#: and the proxy already redirects).
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=True)

#: LOG_LEVEL — root log level.
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
