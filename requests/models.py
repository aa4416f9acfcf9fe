"""The models of the ``requests`` app, gathered where Django looks for them.

Each sub-domain keeps its models in its own package (``requests/<sub-domain>/models.py``); Django
takes the app label from the containing app, so the label stays ``requests`` and every table,
ContentType and guardian permission keeps its name (``tests/requests/core/test_layout.py``).
Import models from their sub-domain; this module is the registry, not an API.
"""

from requests.core.deviations import Deviation, DeviationKind
from requests.core.events import RequestEventKind, ReverseQuestionEventKind
from requests.core.models import (
    Child,
    ClockEventKind,
    ConsentPath,
    DeadlineNotice,
    DeadlineNoticeKind,
    DeadlineNoticeStatus,
    Decision,
    DueDateChange,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
    LegalAdviceStatus,
    LegalFramework,
    Parent,
    ParentConsultationOutcome,
    RepresentativeKind,
    RequestedTopic,
    RequestEvent,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
    Severity,
    Topic,
)
from requests.followup.models import (
    DUTY_SIDES,
    PARENT_FACING_DUTIES,
    RECORD_DUTIES,
    ApprovedFiling,
    Duty,
    DutyKind,
    DutySide,
    DutyStatus,
    Feedback,
    HoldRelease,
    SecondaryPurpose,
    SecondaryUse,
    VeiligThuisEngagement,
)
from requests.kindcheck.models import Kindcheck, KindcheckNextStep, KindcheckOutcome
from requests.reverse.models import ReverseQuestion, ReverseQuestionEvent

__all__ = [
    "DUTY_SIDES", "PARENT_FACING_DUTIES", "RECORD_DUTIES", "ApprovedFiling", "Child", "ClockEventKind",
    "ConsentPath", "DeadlineNotice", "DeadlineNoticeKind", "DeadlineNoticeStatus", "Decision",
    "Deviation", "DeviationKind", "DueDateChange", "Duty", "DutyKind", "DutySide", "DutyStatus",
    "Feedback", "HoldRelease", "InformationRequest", "Kindcheck", "KindcheckNextStep",
    "KindcheckOutcome", "LegalAdvice", "LegalAdviceOrigin", "LegalAdviceStatus", "LegalFramework",
    "Parent", "ParentConsultationOutcome", "RepresentativeKind", "RequestEvent", "RequestEventKind",
    "RequestGroupObjectPermission", "RequestUserObjectPermission", "RequestedTopic",
    "ReverseQuestion", "ReverseQuestionEvent", "ReverseQuestionEventKind", "SecondaryPurpose",
    "SecondaryUse", "Severity", "Topic", "VeiligThuisEngagement",
]
