"""The Celery application. Configuration lives in Django settings (``CELERY_*``).

Tasks receive ids only — never names or case content — and are enqueued with
``delay_on_commit`` so a rolled-back transaction never leaves a task behind.
"""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toolkid.settings.dev")

app = Celery("toolkid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_embedded_broker_dirs() -> None:
    # The filesystem transport needs its folders before the first message.
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            os.makedirs(options[key], exist_ok=True)


@app.on_after_configure.connect
def _setup(sender: Celery, **kwargs: object) -> None:
    if getattr(settings, "CELERY_EMBEDDED_BROKER", False):
        _ensure_embedded_broker_dirs()

