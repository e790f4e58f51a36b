"""Requirement candidates read off the difference between an AS-IS and a TO-BE process.

What the future process asks of the systems is where requirements come from: every TO-BE step
that is new, and every step that moves to a system (a person did it, now a system does; or
another system does it). Only named tasks and sub-processes count: events and gateways are the
plumbing of a diagram, not work anyone builds.

Steps are paired by `process_models.diff` (by id, then by name within a lane of the same name).
On top of the diff, the candidates add a rule of their own: a TO-BE step the diff calls added
is paired with a removed AS-IS step of the same name in any lane, and read as that step moved.
The diff does not pair across lanes (a name alone is weak evidence that two steps are one:
two lanes may each have their own "Check the receipt"); here the question is what the
systems are asked to do, and a step that keeps its name while it changes lanes is the typical
hand-over to a system, which is exactly the requirement to find. It is a candidate when it
lands on a system; a step handed from one person to another is not.
A step's system is read as the step tables read it (`process_models.steps.step_system`): its
own `system`, else its lane's name when the lane is a system lane.
"""

from __future__ import annotations

from dataclasses import dataclass

from gap_analysis.errors import N_
from process_models.diff import diff, normalise_name
from process_models.model import Node, ProcessModel
from process_models.steps import ordered_nodes, step_system

NEW_STEP = N_("new TO-BE step")  # a msgid: the workbench shows it translated


@dataclass(frozen=True)
class RequirementCandidate:
    """A TO-BE step that may need a requirement, and why."""

    title: str  # the step's name
    reason: str  # "new TO-BE step" | "moves to system СУЛ (was: Кассир)"
    process_name: str
    node_id: str  # the TO-BE step's id
    lane: str  # the TO-BE step's lane name ("" when in no lane)
    system: str  # the step's system: its own, or its lane's name when the lane is a system


def _lane_name(model: ProcessModel, node: Node) -> str:
    lane = model.lanes.get(node.lane or "")
    return lane.name if lane is not None else ""


def _who(model: ProcessModel, node: Node) -> str:
    """Who did a step: its system, else its lane (a role), else nobody named."""
    return step_system(model, node) or _lane_name(model, node) or "no lane"


def _is_step(node: Node) -> bool:
    return node.kind.is_activity and bool(node.name.strip())


def requirement_candidates(as_is: ProcessModel, to_be: ProcessModel) -> list[RequirementCandidate]:
    """A candidate for each named TO-BE task or sub-process that is new, or that moves to a
    system; in the order the TO-BE process runs."""
    changes = diff(as_is, to_be)
    before_of = {after_id: before_id for before_id, after_id in changes.node_pairs.items()}
    # Removed AS-IS steps by name: a TO-BE step of the same name moved lanes (see the docstring).
    removed_by_name: dict[str, list[Node]] = {}
    for node in changes.removed_nodes:
        if _is_step(node):
            removed_by_name.setdefault(normalise_name(node.name), []).append(node)

    candidates: list[RequirementCandidate] = []
    for node in ordered_nodes(to_be):
        if not _is_step(node):
            continue
        system = step_system(to_be, node)
        earlier: Node | None = None
        if node.id in before_of:
            earlier = as_is.node(before_of[node.id])
        else:
            same_name = removed_by_name.get(normalise_name(node.name))
            if same_name:
                earlier = same_name.pop(0)
        if earlier is None:
            reason = NEW_STEP
        elif system and normalise_name(system) != normalise_name(step_system(as_is, earlier)):
            reason = f"moves to system {system} (was: {_who(as_is, earlier)})"
        else:
            continue
        candidates.append(
            RequirementCandidate(
                title=node.name.strip(),
                reason=reason,
                process_name=to_be.name,
                node_id=node.id,
                lane=_lane_name(to_be, node),
                system=system,
            )
        )
    return candidates
