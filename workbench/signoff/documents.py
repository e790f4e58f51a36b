"""The package and its approval sheet as Word documents, Russian or English, from the same
snapshot and decisions the pages show.

- The package (`package_docx`): the TO-BE description (each model's diagram and steps, with its
  changes against the AS-IS), the gap map, the modifications, the scenarios and the programme rules.
- The approval sheet (`approval_sheet_docx`), the formal sign-off record (лист согласования): the
  package hash, every deliverable with its own hash, each approver with their decision, date and
  comments, and the outcome.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as DocxDocument
from flask_babel import force_locale

from process_models.steps import step_rows
from process_models.svg import render_svg
from workbench.documents.description import _picture, _row, _table
from workbench.documents.layout import TitlePage, finish, new_document
from workbench.signoff.phrases import check_language, translate
from workbench.signoff.rules_text import programme_rules
from workbench.signoff.snapshot import PACKAGE_SECTIONS, Snapshot, item_title, process_model

SECTION_TITLES = {
    "to_be_models": "TO-BE process models",
    "requirements": "Requirements",
    "gap_map": "Gap map",
    "modifications": "Modifications list",
    "scenarios": "Test scenarios",
    "to_be_landscape": "TO-BE IT landscape",
    "configuration": "Configuration version",
}


@dataclass(frozen=True)
class ApproverLine:
    username: str
    name: str
    decision: str  # approve / reject / "" (none on this revision)
    at: dt.datetime | None
    reason: str = ""
    comments: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class SheetData:
    project_key: str
    project_name: str
    client: str
    package_id: int
    revision_id: int
    revision_number: int
    content_hash: str
    version_label: str
    rule: str
    submitted_by: str
    submitted_at: dt.datetime
    state: str
    snapshot: Snapshot
    approvers: list[ApproverLine] = field(default_factory=list)
    timezone: str = "UTC"


def _local(moment: dt.datetime | None, zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z") if moment else "—"


def _finish(document: DocxDocument, data: SheetData, title: str, lang: str, t: Any) -> bytes:
    """The shared layout, its title page saying which revision and what became of it."""
    page = TitlePage(
        client=data.client,
        project=data.project_name,
        title=title,
        version=t("revision %(revision)s", revision=data.revision_number),
        date=dt.datetime.now(zoneinfo.ZoneInfo(data.timezone)).date(),
        status=t(data.state),
    )
    with force_locale(lang):
        return finish(document, page)


def approval_sheet_docx(data: SheetData, lang: str) -> bytes:
    """The approval sheet of the package's current revision, in `lang`."""
    t = _translator(check_language(lang))
    document = new_document(landscape=True)
    document.add_paragraph(
        t(
            "Prototype of the technical solution, package %(package)s, revision %(revision)s (id %(id)s)",
            package=data.package_id,
            revision=data.revision_number,
            id=data.revision_id,
        )
    )
    facts = _table(document, [t("Field"), t("Value")], widths=[7.0, 19.0])
    for label, value in (
        (t("Client"), data.client),
        (t("Package hash (SHA-256)"), data.content_hash),
        (t("Configuration version"), data.version_label),
        (t("Rule"), data.rule),
        (t("Submitted"), f"{data.submitted_by}, {_local(data.submitted_at, data.timezone)}"),
        (t("Outcome"), t(data.state)),
    ):
        _row(facts, [label, value])
    document.add_heading(t("Deliverables"), level=1)
    table = _table(document, [t("Deliverable"), t("Items"), t("SHA-256")], widths=[7.0, 2.5, 16.5])
    for name in PACKAGE_SECTIONS:
        _row(
            table,
            [
                t(SECTION_TITLES[name]),
                str(len(data.snapshot.sections.get(name, {}))),
                data.snapshot.section_hash(name),
            ],
        )
    document.add_heading(t("Approvers"), level=1)
    table = _table(
        document, [t("Approver"), t("Decision"), t("Date"), t("Comments")], widths=[6.0, 4.0, 5.0, 11.0]
    )
    for line in data.approvers:
        who = f"{line.name} ({line.username})" + (f" — {t('required')}" if line.required else "")
        notes = ([f"{t('Reason')}: {line.reason}"] if line.reason else []) + list(line.comments)
        _row(
            table,
            [
                who,
                t(line.decision) if line.decision else t("no decision"),
                _local(line.at, data.timezone),
                "\n".join(notes),
            ],
        )
    return _finish(document, data, t("Approval sheet"), lang, t)


def package_docx(data: SheetData, lang: str) -> bytes:
    """The package: TO-BE description, gap map, modifications, scenarios, programme rules."""
    t = _translator(check_language(lang))
    sections = data.snapshot.sections
    document = new_document(landscape=True)
    document.add_paragraph(
        f"{t('Package hash (SHA-256)')}: {data.content_hash}. "
        f"{t('Configuration version')}: {data.version_label}."
    )
    document.add_heading(t("TO-BE process models"), level=1)
    for item in sections.get("to_be_models", {}).values():
        _process(document, item, t)
    document.add_heading(t("Gap map"), level=1)
    table = _table(
        document,
        [t("Requirement"), t("Priority"), t("Classification"), t("Capability / modifications")],
        widths=[11.0, 3.0, 5.0, 7.0],
    )
    requirements = sections.get("requirements", {})
    for key, gap in sections.get("gap_map", {}).items():
        requirement = requirements.get(key.replace("gap:", "requirement:"), {})
        _row(
            table,
            [
                item_title("", requirement) or gap["ref"],
                requirement.get("priority", ""),
                gap.get("classification") or t("not classified"),
                ", ".join(
                    filter(
                        None, [gap.get("capability"), gap.get("config_key"), *gap.get("modifications", [])]
                    )
                ),
            ],
        )
    document.add_heading(t("Modifications list"), level=1)
    table = _table(
        document,
        ["MOD", t("Title"), t("Estimate, person-days"), t("Requirements"), t("Depends on")],
        widths=[2.0, 11.0, 4.0, 4.5, 4.5],
    )
    for item in sections.get("modifications", {}).values():
        _row(
            table,
            [
                item["ref"],
                item["title"],
                item["estimate_days"],
                ", ".join(item["requirements"]),
                ", ".join(item["depends_on"]),
            ],
        )
    document.add_heading(t("Test scenarios"), level=1)
    for item in sections.get("scenarios", {}).values():
        document.add_paragraph(f"{item['feature']}: {item['name']}").runs[0].bold = True
        document.add_paragraph(item["text"])
    document.add_heading(t("Programme rules"), level=1)
    for rule in programme_rules(_config_document(data.snapshot), lang):
        document.add_paragraph(rule.text, style="List Bullet")
    return _finish(document, data, t("Prototype of the technical solution"), lang, t)


def _process(document: DocxDocument, item: dict[str, Any], t: Any) -> None:
    model = process_model(item)
    document.add_heading(f"{item['name']} ({t('version')} {item['version']})", level=2)
    _picture(document, render_svg(model))
    table = _table(document, ["#", t("Step"), t("Role"), t("System")], widths=[1.5, 12.0, 6.5, 6.0])
    for row in step_rows(model, named_only=True):
        _row(table, [str(row.number), row.name, row.role, row.system])
    nodes = (item.get("diff") or {}).get("nodes")
    if nodes:
        document.add_paragraph(
            t(
                "Against %(as_is)s: %(added)s step(s) added, %(removed)s removed, %(changed)s changed",
                as_is=item.get("compared_with") or "AS-IS",
                added=len(nodes["added"]),
                removed=len(nodes["removed"]),
                changed=len(nodes["changed"]),
            )
        )


def _config_document(snapshot: Snapshot) -> dict[str, Any]:
    """The configuration document frozen in the snapshot (the rules are worded from it)."""
    return dict(snapshot.meta.get("configuration") or {})


def _translator(lang: str) -> Any:
    def t(msgid: str, **values: Any) -> str:
        return translate(msgid, lang, **values)

    return t
