"""The English catalog (locale/en/LC_MESSAGES/django.po): complete, valid for msgfmt, and using
the protocol's terms consistently.

The catalog is compiled here into a temporary file with GNU msgfmt (the tool compilemessages
uses) and read back with the standard library, so the test does not depend on a compiled
``django.mo`` being present. Regenerating the catalog is ``manage.py makemessages -l en
--ignore=.venv --ignore=tests --ignore=node_modules``; every new or changed string then needs
its English text before this test passes again.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext (msgfmt)")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> tuple[str, gettext.GNUTranslations]:
    target = tmp_path_factory.mktemp("catalog") / "django.mo"
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", str(target), str(CATALOG)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},  # English statistics
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with target.open("rb") as handle:
        return result.stderr, gettext.GNUTranslations(handle)


def test_the_english_catalog_passes_msgfmt_check_and_is_complete(compiled):
    statistics, _catalog = compiled
    # e.g. "1601 translated messages." — no "fuzzy translations" or "untranslated messages".
    assert re.fullmatch(r"\d+ translated messages\.\s*", statistics), statistics


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("informatieverzoek", "information request"),
        ("ouder", "parent"),
        ("zorgverlener", "care provider"),
        ("Zorgverlener", "Care provider"),
        ("jeugdhulpverlener", "youth-care worker"),
        ("toestemming", "consent"),
        ("Veilig Thuis", "Veilig Thuis"),
        ("Raad voor de Kinderbescherming", "Child Protection Board (RvdK)"),
        ("Gecertificeerde Instelling (GI)", "Certified institution (GI)"),
        ("Er is een ondertoezichtstelling (OTS)", "There is a supervision order (OTS)"),
    ],
)
def test_protocol_terms_are_translated_as_agreed(compiled, dutch, english):
    _statistics, catalog = compiled
    assert catalog.gettext(dutch) == english


def test_no_english_text_still_says_clinician_for_zorgverlener(compiled):
    """One word for one role: the catalog once mixed "clinician" and "care provider"."""
    text = CATALOG.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.*?)"\nmsgstr "(.*?)"$', text, flags=re.MULTILINE)
    mixed = [(nl, en) for nl, en in entries if "zorgverlener" in nl.lower() and "clinician" in en.lower()]
    assert mixed == []
