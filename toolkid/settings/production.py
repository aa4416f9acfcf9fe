"""Production: PostgreSQL, Redis, SMTP, HTTPS. Refuses to start when it would be unsafe."""

from django.core.exceptions import ImproperlyConfigured

from . import env as E
from .base import *  # noqa: F403

DEBUG = False

if E.DEBUG:
    raise ImproperlyConfigured("DEBUG staat aan; de productie-instellingen weigeren te starten.")
if E.SECRET_KEY == E.INSECURE_DEFAULT_SECRET or len(E.SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY ontbreekt of is de ontwikkelwaarde; zet een geheime sleutel van 50+ tekens."
    )
if not E.DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL ontbreekt; productie draait op PostgreSQL.")
if not E.CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL ontbreekt; productie gebruikt Redis.")

# The API's rate limits count in the cache (toolkid/api/throttling.py): one Redis for every
# gunicorn worker and replica, or each would allow the whole limit on its own.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": E.CACHE_URL or E.CELERY_BROKER_URL,
        "KEY_PREFIX": "toolkid",
    }
}

SECURE_SSL_REDIRECT = E.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes of an orchestrator ask over plain http inside its network (README "Productie").
SECURE_REDIRECT_EXEMPT = [r"^gezond/$", r"^gereed/$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
