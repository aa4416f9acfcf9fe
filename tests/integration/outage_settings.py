"""The test settings with Celery's old give-up behaviour, compressed: the worker stops trying to
reach the broker after two retries (about six seconds) instead of never. Only the control worker
of tests/integration/test_redis_outage.py runs with these, to show that its outage is long
enough to stop a worker whose retries run out. (Celery's own default, 100 retries, runs out after
about 45 minutes: too long for a test.)"""

from toolkid.settings.test import *  # noqa: F403

CELERY_BROKER_CONNECTION_MAX_RETRIES = 2
