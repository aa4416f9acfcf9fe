"""Local development: `make run`. Embedded SQLite and broker unless the environment says else."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STATIC_ROOT, VAR_DIR

DEBUG = True
# The demo data (load_demo, demo_code): dev, test and e2e only, never base or production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
VAR_DIR.mkdir(parents=True, exist_ok=True)

# WhiteNoise serves from the finders here; the folder only has to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Webhooks may post to a receiver on this machine (production: https and public addresses only).
TOOLKID_WEBHOOKS_ALLOW_LOCAL = True
