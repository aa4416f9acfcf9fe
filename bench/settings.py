"""Settings for ``make bench`` (bench/run.py): the test settings (no DEBUG, demo app, fast
password hashing) on the bench's own PostgreSQL database, with the bench-only URLs
(bench/urls.py) that add the bare floor views beside the real ones.

bench/run.py sets ``DATABASE_URL`` to ``BENCH_DATABASE_URL`` before Django reads it; the
bench's gunicorn gets the same environment."""

from toolkid.settings.test import *  # noqa: F403
from toolkid.settings.test import DATABASES

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise RuntimeError("the bench runs on PostgreSQL only: set BENCH_DATABASE_URL")

ROOT_URLCONF = "bench.urls"
# Audit lines written during a bench run say so.
TOOLKID_AUDIT_SOURCE = "toolkid-bench"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
