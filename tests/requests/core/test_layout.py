"""Moving the models into sub-domain packages changed no name the database or the permissions
know: the app label stays ``requests``, every table, ContentType and permission keeps its name,
and the audit trail's ``object_type`` values still point at the same models.

The expected values were read from main before the move (``requests/models.py`` as one module).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

#: model label -> table, as they were before the move.
TABLES = {
    "requests.ApprovedFiling": "requests_approvedfiling",
    "requests.Child": "requests_child",
    "requests.DeadlineNotice": "requests_deadlinenotice",
    "requests.Deviation": "requests_deviation",
    "requests.DueDateChange": "requests_duedatechange",
    "requests.Duty": "requests_duty",
    "requests.Feedback": "requests_feedback",
    "requests.HistoricalChild": "requests_historicalchild",
    "requests.HistoricalDuty": "requests_historicalduty",
    "requests.HistoricalHoldRelease": "requests_historicalholdrelease",
    "requests.HistoricalInformationRequest": "requests_historicalinformationrequest",
    "requests.HistoricalKindcheck": "requests_historicalkindcheck",
    "requests.HistoricalLegalAdvice": "requests_historicallegaladvice",
    "requests.HistoricalParent": "requests_historicalparent",
    "requests.HistoricalRequestedTopic": "requests_historicalrequestedtopic",
    "requests.HistoricalReverseQuestion": "requests_historicalreversequestion",
    "requests.HistoricalSecondaryUse": "requests_historicalsecondaryuse",
    "requests.HoldRelease": "requests_holdrelease",
    "requests.InformationRequest": "requests_informationrequest",
    "requests.Kindcheck": "requests_kindcheck",
    "requests.LegalAdvice": "requests_legaladvice",
    "requests.Parent": "requests_parent",
    "requests.RequestEvent": "requests_requestevent",
    "requests.RequestGroupObjectPermission": "requests_requestgroupobjectpermission",
    "requests.RequestUserObjectPermission": "requests_requestuserobjectpermission",
    "requests.RequestedTopic": "requests_requestedtopic",
    "requests.ReverseQuestion": "requests_reversequestion",
    "requests.ReverseQuestionEvent": "requests_reversequestionevent",
    "requests.SecondaryUse": "requests_secondaryuse",
    "requests.VeiligThuisEngagement": "requests_veiligthuisengagement",
}
#: The permissions beyond add/change/delete/view; guardian grants these per request (R31, R8).
CUSTOM_PERMISSIONS = {'advise_request', 'handle_request'}


def _models():
    return {m._meta.label: m for m in apps.get_app_config("requests").get_models(include_auto_created=True)}


def test_every_model_keeps_its_label_and_table():
    assert {label: model._meta.db_table for label, model in _models().items()} == TABLES


@pytest.mark.django_db
def test_content_types_are_the_ones_existing_rows_and_audit_events_point_at():
    for label, model in _models().items():
        content_type = ContentType.objects.get_for_model(model)
        assert (content_type.app_label, content_type.model) == ("requests", label.split(".")[1].lower())
    stored = set(ContentType.objects.filter(app_label="requests").values_list("model", flat=True))
    assert stored == {label.split(".")[1].lower() for label in TABLES}


@pytest.mark.django_db
def test_guardian_permissions_keep_their_codenames():
    stored = Permission.objects.filter(content_type__app_label="requests")
    codenames = set(stored.values_list("codename", flat=True))
    assert CUSTOM_PERMISSIONS <= codenames
    verbs = ("add", "change", "delete", "view")
    expected = {f"{verb}_{label.split('.')[1].lower()}" for label in TABLES for verb in verbs}
    assert codenames == expected | CUSTOM_PERMISSIONS


@pytest.mark.django_db
def test_the_move_needs_no_migration():
    # Raises SystemExit(1) when the models and the migrations disagree.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
