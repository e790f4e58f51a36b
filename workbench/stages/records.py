"""What the stage board shows: deliverables and stages as plain records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# A deliverable's state, computed from the data (never ticked by hand).
DONE = "done"
ATTENTION = "needs_attention"
MISSING = "missing"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"


@dataclass(frozen=True)
class Deliverable:
    name: str
    state: str
    problems: tuple[str, ...] = ()
    endpoint: str = ""  # the page it links to (url_for endpoint and arguments)
    args: dict[str, Any] = field(default_factory=dict)
    count: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "state": self.state, "problems": list(self.problems), "count": self.count}


@dataclass(frozen=True)
class CheckpointLine:
    closed_by: str
    closed_at: dt.datetime
    content_hash: str


@dataclass(frozen=True)
class StageReport:
    number: int
    name: str
    checkpoint_name: str
    deliverables: list[Deliverable]
    checkpoint: CheckpointLine | None = None
    changed_since_closed: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        """closed / changed_since_closed / done (ready to close) / needs_attention / in_progress /
        not_started."""
        if self.checkpoint is not None:
            return "changed_since_closed" if self.changed_since_closed else "closed"
        states = {d.state for d in self.deliverables}
        if states <= {DONE}:
            return DONE
        if states <= {NOT_STARTED, MISSING}:
            return NOT_STARTED
        if ATTENTION in states:
            return ATTENTION
        return IN_PROGRESS

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.number,
            "name": self.name,
            "state": self.state,
            "checkpoint": self.checkpoint_name,
            "closed": None
            if self.checkpoint is None
            else {
                "by": self.checkpoint.closed_by,
                "at": self.checkpoint.closed_at.isoformat(),
                "hash": self.checkpoint.content_hash,
            },
            "changed_since_closed": list(self.changed_since_closed),
            "deliverables": [d.to_json() for d in self.deliverables],
        }
