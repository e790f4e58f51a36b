"""Forms of the process pages: import a BPMN file, and edit a model's steps, flows and lanes.

The edit forms' selects (lanes, steps) are filled per request from the model being edited, with
`fill`; lengths and required names are checked by the service, so a form and the CLI or a test
calling the service get the same messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired

from process_models.enums import LaneKind, NodeKind
from process_models.model import Node, ProcessModel
from workbench.forms import select_choices, translated_choices
from workbench.processes.service import KIND_LABELS, LANE_KIND_LABELS

if TYPE_CHECKING:
    from workbench.processes.models import ProcessRecord


class ImportForm(FlaskForm):
    upload = FileField(_l("BPMN 2.0 file (.bpmn, .xml)"), validators=[FileRequired()])
    variant = SelectField(_l("Variant"), choices=select_choices([("as-is", "AS-IS"), ("to-be", "TO-BE")]))


class DrawnForm(FlaskForm):
    """The modeller's save: its script puts the diagram's BPMN XML in `bpmn` as a file (a file
    part, so a large diagram is not held to the form-field limit) and posts it."""

    bpmn = FileField(_l("BPMN diagram"), validators=[FileRequired()])


def kind_choices(*, boundary: bool = False) -> list[tuple[str, str]]:
    """(value, label) of the kinds a step may take; a boundary event only when `boundary` (it
    needs a host activity, which these forms cannot set, so only an existing one keeps the kind)."""
    return [
        (k.value, label) for k, label in KIND_LABELS.items() if boundary or k is not NodeKind.boundary_event
    ]


def step_choices(model: ProcessModel) -> list[tuple[str, str]]:
    """(id, label) of every step: its name, with the id added when the name is missing or shared."""
    nodes = list(model.nodes())
    names = [n.name for n in nodes]
    return [
        (n.id, step_label(n) if n.name and names.count(n.name) == 1 else f"{step_label(n)} ({n.id})")
        for n in nodes
    ]


def step_label(node: Node) -> str:
    """What a step is called on the pages: its name, or its kind when it has none."""
    return node.name or KIND_LABELS[node.kind]


def lane_choices(model: ProcessModel) -> list[tuple[str, str]]:
    """(id, label) of the model's lanes, after a 'no lane' choice."""
    return [("", "— no lane —")] + [(lane.id, lane.name or lane.id) for lane in model.lanes.values()]


class StepForm(FlaskForm):
    """Add a step, optionally after an existing one."""

    kind = SelectField(_l("Kind"), choices=translated_choices(kind_choices()), default=NodeKind.task.value)
    name = StringField(_l("Name"))
    lane = SelectField(_l("Lane"), choices=[])
    system = StringField(_l("System"))
    description = TextAreaField(_l("Description"))
    after = SelectField(_l("After step"), choices=[])

    def fill(self, model: ProcessModel) -> None:
        """The model's lanes and steps as choices."""
        self.lane.choices = select_choices(lane_choices(model))
        self.after.choices = select_choices([("", gettext("— not connected —")), *step_choices(model)])


class EditStepForm(FlaskForm):
    """Rename, move, retype or describe one step."""

    node_id = HiddenField(validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=[])
    name = StringField(_l("Name"))
    lane = SelectField(_l("Lane"), choices=[])
    system = StringField(_l("System"))
    description = TextAreaField(_l("Description"))

    def fill(self, model: ProcessModel, node: Node) -> None:
        """The model's lanes, and the kinds `node` may take, as choices."""
        self.kind.choices = translated_choices(kind_choices(boundary=node.kind is NodeKind.boundary_event))
        self.lane.choices = select_choices(lane_choices(model))

    @classmethod
    def of(cls, model: ProcessModel, node: Node) -> EditStepForm:
        """A form showing `node` as it is (for the page, not for a submission)."""
        form = cls(
            formdata=None,
            node_id=node.id,
            kind=node.kind.value,
            name=node.name,
            lane=node.lane or "",
            system=node.system,
            description=node.description,
        )
        form.fill(model, node)
        return form


class DeleteStepForm(FlaskForm):
    node_id = HiddenField(validators=[DataRequired()])


class ConnectForm(FlaskForm):
    """Add a flow between two steps."""

    source = SelectField(_l("From step"), choices=[])
    target = SelectField(_l("To step"), choices=[])
    name = StringField(_l("Label"))
    condition = StringField(_l("Condition"))

    def fill(self, model: ProcessModel) -> None:
        """The model's steps as choices of both ends."""
        steps = select_choices(step_choices(model))
        self.source.choices = steps
        self.target.choices = list(steps)


class DisconnectForm(FlaskForm):
    flow_id = HiddenField(validators=[DataRequired()])


class LaneForm(FlaskForm):
    """Add a lane: a role (who does the steps) or a system."""

    name = StringField(_l("Name"))
    kind = SelectField(
        _l("Kind"),
        choices=translated_choices((k.value, LANE_KIND_LABELS[k]) for k in LaneKind),
        default=LaneKind.role.value,
    )


def step_choice_groups(
    records: Iterable[ProcessRecord], *, whole_process: str = ""
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices of a "process step" select, one group per process: values "<lineage>|<node id>"
    for each named step; with `whole_process`, first an entry "<lineage>|" labelled so."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for record in records:
        steps = [(f"{record.lineage}|", whole_process)] if whole_process else []
        steps += [
            (f"{record.lineage}|{node['id']}", node.get("name") or node["id"])
            for node in record.document.get("nodes", [])
            if node.get("name")
        ]
        groups.append((f"{record.name} ({record.variant.upper()})", steps))
    return groups


class LinkForm(FlaskForm):
    """Record that TO-BE steps replace AS-IS steps (the compare page). The steps' existence, the
    shape of the link and the note are checked by the service, as for the CLI."""

    before_id = HiddenField(validators=[DataRequired()])
    before_steps = SelectMultipleField(_l("AS-IS steps"), choices=[], validate_choice=False)
    after_steps = SelectMultipleField(_l("TO-BE steps"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Why (shown in the change table)"))

    def fill(self, before: ProcessModel, after: ProcessModel) -> None:
        self.before_steps.choices = step_choices(before)
        self.after_steps.choices = step_choices(after)


class DeleteLinkForm(FlaskForm):
    before_id = HiddenField(validators=[DataRequired()])
