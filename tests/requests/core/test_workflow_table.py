"""The TRANSITIONS table (for people) and the decorated methods (for the machine) say the same."""

from __future__ import annotations

from requests.core.workflow import TRANSITIONS
from requests.models import InformationRequest


def test_transitions_table_matches_the_state_machine():
    declared = {
        (t.name, str(t.source), str(t.target))
        for t in InformationRequest._meta.get_field("status").get_all_transitions(InformationRequest)
    }
    tabled = {
        (name, str(source), str(target)) for name, sources, target, _ in TRANSITIONS for source in sources
    }
    assert declared == tabled


def test_every_transition_cites_a_rule():
    for name, _sources, _target, rules in TRANSITIONS:
        assert rules.strip(), name
