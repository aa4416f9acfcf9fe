"""Settings for the app under test in ``make e2e``: the dev settings (embedded SQLite and
broker under ``TOOLKID_VAR_DIR``, demo data allowed), but with ``DEBUG`` off, so the browser
sees what a user sees — the Dutch 404/500 pages instead of Django's debug pages — and static
files go through the production pipeline (collectstatic, hashed names, WhiteNoise)."""

from toolkid.settings.dev import *  # noqa: F403

DEBUG = False
# INSTALLED_APPS as in dev, so with the demo app: the fixtures run load_demo and demo_code.

# Static files straight from the finders (as in the test settings): no collectstatic step of
# 15 seconds per run. A missing or broken asset still fails the suite: the browser fixtures
# record every failed sub-request (see conftest.py).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
