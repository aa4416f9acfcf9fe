"""The test settings, with e-mail written to files (one per message) in TOOLKID_TEST_MAIL_DIR,
so a test can count what a real worker process sent; and a short claim timeout, so an e-mail a
killed worker left claimed is sent again within the test (production: ten minutes)."""

import os

from toolkid.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TOOLKID_TEST_MAIL_DIR"]
TOOLKID_EMAIL_CLAIM_TIMEOUT = 2
