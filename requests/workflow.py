"""The state machines, re-exported under the module path the migrations name as model bases
(``requests.workflow.RequestWorkflow`` and the follow-up mixins). Code imports them from
``requests.core.workflow``, ``requests.followup.workflow`` and ``requests.reverse.workflow``."""

from requests.core.workflow import RequestWorkflow
from requests.followup.workflow import ReleaseWorkflow, SecondaryUseWorkflow
from requests.reverse.workflow import ReverseWorkflow

__all__ = ["ReleaseWorkflow", "RequestWorkflow", "ReverseWorkflow", "SecondaryUseWorkflow"]
