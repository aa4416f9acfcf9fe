__version__ = "0.1.0"

from .shadow import hide_from_optional_imports

# Before Django or any library loads: see toolkid/shadow.py.
hide_from_optional_imports()

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
