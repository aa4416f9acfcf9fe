"""The follow-up state machines (requests/followup/workflow.py, requests/reverse/workflow.py):
each table (for people) and its decorated methods (for the machine) say the same, and every move
cites a rule."""

from __future__ import annotations

import pytest

from requests.followup.workflow import RELEASE_TRANSITIONS, SECONDARY_USE_TRANSITIONS
from requests.models import HoldRelease, ReverseQuestion, SecondaryUse
from requests.reverse.workflow import REVERSE_TRANSITIONS


@pytest.mark.parametrize(
    ("model", "table"),
    [
        (HoldRelease, RELEASE_TRANSITIONS),
        (SecondaryUse, SECONDARY_USE_TRANSITIONS),
        (ReverseQuestion, REVERSE_TRANSITIONS),
    ],
)
def test_table_matches_the_state_machine(model, table):
    declared = {
        (t.name, str(t.source), str(t.target))
        for t in model._meta.get_field("status").get_all_transitions(model)
    }
    tabled = {(name, str(source), str(target)) for name, sources, target, _ in table for source in sources}
    assert declared == tabled
    for name, _sources, _target, rules in table:
        assert rules.strip(), name
