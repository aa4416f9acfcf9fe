"""*Vandaag*, the home page of every role: blocks of what waits for the user today.

toolkid knows no domain app (import contract "kernel"), so the apps register their blocks here
from their ``AppConfig.ready()`` and the home view asks :func:`blocks_for`. A source is a
function of the actor that returns the blocks that apply to them (none for a role it does not
serve); it does its own queries (a bounded number, whatever the number of rows) and its own
access logging (L5: reading a list of cases is reading).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from toolkid.actors import Actor


@dataclass(frozen=True)
class TodayItem:
    """One line of a block: what to open, and enough to choose what to open first."""

    label: str
    url: str = ""
    due: dt.date | None = None
    status: str = ""
    #: "overdue" | "today" | "ok" | "" (colour only repeats the words of ``due_text``).
    urgency: str = ""
    due_text: str = ""


@dataclass(frozen=True)
class TodayBlock:
    """A heading, its count, and the first items (the full list is one link away)."""

    key: str
    heading: str | Promise
    count: int
    empty_text: str | Promise
    items: list[TodayItem] = field(default_factory=list)
    more_url: str = ""
    more_label: str | Promise = ""
    #: A block of numbers only (the beheerder sees no case content).
    counts_only: bool = False
    order: int = 100

    @property
    def more(self) -> int:
        """How many are counted but not listed here."""
        return max(self.count - len(self.items), 0)


Source = Callable[[Actor], list[TodayBlock]]

_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Called from an app's ``ready()``; registering a name again replaces the source (a
    reloaded app registers once, not twice)."""
    _SOURCES[name] = source


def blocks_for(actor: Actor) -> list[TodayBlock]:
    """Every registered source's blocks for ``actor``, in their ``order``."""
    blocks: list[TodayBlock] = []
    for source in _SOURCES.values():
        blocks.extend(source(actor))
    return sorted(blocks, key=lambda block: (block.order, str(block.key)))
