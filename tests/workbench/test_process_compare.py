"""The AS-IS -> TO-BE comparison in the workbench: the consultant's links (page form, CLI, demo),
the change table with its filters, and the TO-BE description's "what changes for whom"."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from process_models.changes import change_table
from process_models.diff import ChangeKind, MatchStage
from process_models.enums import Variant
from process_models.model import ProcessModel
from tests.process_models.support import enrolment
from workbench.audit.models import AuditEntry
from workbench.auth.service import create_user
from workbench.documents.service import export_description
from workbench.extensions import db
from workbench.processes import comparison
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord, ProcessStepLink
from workbench.projects.service import get_project


def _load_demo(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--members", "5"])
    assert result.exit_code == 0, result.output


def _demo_pair(key_name: str) -> tuple[ProcessRecord, ProcessRecord]:
    project = get_project(db.session(), "DEMO")
    records = processes.project_models(db.session(), project)
    before = next(r for r in records if r.name == f"{key_name} (AS-IS)")
    after = next(r for r in records if r.name == f"{key_name} (TO-BE)")
    return before, after


def test_the_demo_comparisons_tell_the_story_of_their_links(app: Flask) -> None:
    _load_demo(app)
    with app.app_context():
        before, after = _demo_pair("Возврат товара")
        result = comparison.compare(db.session(), before, after)
        matches = {m.after: m for m in result.matches}
        # Moved from the administrator (and the customer) to the cashier, as the links say.
        select_lines = matches[("ret_tobe_select_lines",)]
        assert select_lines.stage is MatchStage.link and ChangeKind.moved in select_lines.kinds
        assert select_lines.before == ("ret_asis_inspect",)
        find_receipt = matches[("ret_tobe_find_receipt",)]
        assert find_receipt.before == ("ret_asis_bring_goods", "ret_asis_write_claim")
        assert {ChangeKind.merged, ChangeKind.moved} <= set(find_receipt.kinds)
        # The paper trail to the back office becomes the nightly load: merged and automated.
        load = matches[("ret_tobe_load_erp",)]
        assert load.before == ("ret_asis_pass_docs", "ret_asis_write_off", "ret_asis_post")
        assert {ChangeKind.merged, ChangeKind.automated, ChangeKind.moved} <= set(load.kinds)
        # The end event keeps its name: paired by name (stage 3) without a link.
        assert matches[("ret_tobe_end",)].before == ("ret_asis_end_done",)
        unexplained = result.unexplained_added + result.unexplained_removed
        assert len(unexplained) < 3, [n.id for n in unexplained]
        # Before the links (and name matching) it was 13 added, 12 removed and 0 changed; now
        # each AS-IS step a link replaces is a changed step (9 of them, in 5 links).
        assert len(result.changed_nodes) == 9
        # The enrolment: the plastic card handed out becomes the card the till attaches itself.
        before, after = _demo_pair("Регистрация участника на кассе")
        result = comparison.compare(db.session(), before, after)
        card = next(m for m in result.matches if m.after == ("enr_tobe_attach_card",))
        assert ChangeKind.automated in card.kinds and ChangeKind.merged in card.kinds
        assert len(result.unexplained_added + result.unexplained_removed) < 3


def _pair(app: Flask) -> tuple[int, int]:
    """An AS-IS and a TO-BE in the DEMO project whose steps have other ids."""
    with app.app_context():
        from workbench.projects.service import create_project

        project = create_project(db.session(), "DEMO", "Demo", actor="test")
        before = processes.create_model(db.session(), project, enrolment(), actor="test")
        model = ProcessModel.from_dict(enrolment(Variant.to_be).to_dict())
        model.remove_node("form")
        model.add_node(processes.NodeKind.service_task, "Enrol by SMS", lane="L_pos", id="sms")
        model.add_flow("split", "sms", id="f_sms")
        model.add_flow("sms", "join", id="f_sms_join")
        after = processes.create_model(db.session(), project, model, actor="test")
        db.session.commit()
        return before.id, after.id


def test_a_consultant_records_a_link_and_the_change_table_shows_it(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    before_id, after_id = _pair(app)
    client = login_as("consultant")
    page = client.get(f"/processes/compare?before={before_id}&after={after_id}").get_data(as_text=True)
    assert "Change table" in page and "Record a link" in page
    assert page.count('data-kinds="added"') == 1 and page.count('data-kinds="removed"') == 1
    response = client.post(
        f"/processes/{after_id}/links",
        data={"before_id": str(before_id), "before_steps": ["form"], "after_steps": ["sms"], "note": "SMS"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "link 1 recorded" in page
    # The paper form became the SMS enrolment: renamed, moved to the POS lane, automated.
    assert 'data-kinds="renamed moved retyped automated"' in page and 'data-kinds="added"' not in page
    filtered = client.get(f"/processes/compare?before={before_id}&after={after_id}&kind=automated")
    rows = filtered.get_data(as_text=True).split('<table class="changes">')[1].split("</table>")[0]
    assert "Enrol by SMS" in rows and rows.count("<tr data-kinds") == 1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "process.link"))
        assert entry is not None and entry.actor == "consultant"
        assert entry.details["before_steps"] == ["form"] and entry.details["after_steps"] == ["sms"]
    deleted = client.post(f"/processes/{after_id}/links/1/delete", data={"before_id": str(before_id)})
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ProcessStepLink)) is None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "process.unlink")) is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"before_steps": ["nope"], "after_steps": ["sms"]}, "AS-IS steps: no step &#39;nope&#39;"),
        ({"before_steps": ["form"], "after_steps": ["ghost"]}, "TO-BE steps: no step &#39;ghost&#39;"),
        ({"before_steps": [], "after_steps": ["sms"]}, "note: say why the steps are new or dropped"),
        ({"before_steps": ["form", "ask"], "after_steps": ["sms", "lookup"]}, "record several links"),
    ],
    ids=["unknown AS-IS step", "unknown TO-BE step", "new step without a note", "many to many"],
)
def test_a_bad_link_is_refused_naming_the_field_and_nothing_is_stored(
    app: Flask, login_as: Callable[[str], FlaskClient], data: dict[str, object], message: str
) -> None:
    before_id, after_id = _pair(app)
    client = login_as("consultant")
    response = client.post(
        f"/processes/{after_id}/links", data={"before_id": str(before_id), **data}, follow_redirects=True
    )
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ProcessStepLink)) is None


def test_only_a_consultant_member_records_links(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    before_id, after_id = _pair(app)
    data = {"before_id": str(before_id), "before_steps": ["form"], "after_steps": ["sms"], "note": "x"}
    assert login_as("approver").post(f"/processes/{after_id}/links", data=data).status_code == 403
    with app.app_context():
        create_user(db.session(), "outsider", "a long enough password 1", "consultant", actor="test")
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "outsider", "password": "a long enough password 1"})
    assert client.post(f"/processes/{after_id}/links", data=data).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(ProcessStepLink)) is None


def test_the_cli_records_and_lists_links_as_a_consultant_member(app: Flask) -> None:
    before_id, after_id = _pair(app)
    runner = app.test_cli_runner()
    base = ["process", "link", str(after_id), "--before", str(before_id), "--as-is", "form", "--to-be", "sms"]
    refused = runner.invoke(args=[*base, "--as", "approver"])
    assert refused.exit_code == 1 and "not a consultant of project DEMO" in refused.output
    done = runner.invoke(args=[*base, "--note", "SMS instead of paper", "--as", "consultant"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(args=["process", "links", str(after_id)])
    assert listed.stdout.strip().split("\t")[1:] == ["form", "sms", "SMS instead of paper"]
    again = runner.invoke(args=[*base, "--as", "consultant"])
    assert again.exit_code == 1 and "step 'form' is already linked" in again.output
    diffed = runner.invoke(args=["process", "diff", str(before_id), str(after_id), "--json"])
    rows = json.loads(diffed.stdout)["changes"]
    assert {
        "kinds": ["renamed", "moved", "retyped", "automated"],
        "note": "SMS instead of paper",
    }.items() <= rows[0].items()


def test_the_to_be_description_says_what_changes_for_whom(app: Flask) -> None:
    _load_demo(app)
    with app.app_context():
        project = get_project(db.session(), "DEMO")
        data = export_description(db.session(), project, Variant.to_be, actor="test")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells)
    assert "What changes for whom" in text
    # The cashier's role gets the returns' steps moved to it, with the consultant's reason.
    assert "Кассир" in text
    assert "Загрузить чек возврата в ERP 1С" in tables and "automated" in tables
    assert "Заявление от руки не нужно" in tables


def test_the_change_table_groups_steps_by_role() -> None:
    before = enrolment()
    after = enrolment(Variant.to_be)
    after.update_node("form", lane="L_pos", kind=processes.NodeKind.service_task)
    from process_models.changes import by_role
    from process_models.diff import diff

    rows = change_table(diff(before, after))
    groups = by_role(rows)
    assert list(groups) == ["POS"]
    (row,) = groups["POS"]
    assert row.before_role == "Cashier" and row.kinds == (
        ChangeKind.moved,
        ChangeKind.retyped,
        ChangeKind.automated,
    )


def test_a_later_version_of_the_to_be_inherits_its_links(app: Flask) -> None:
    before_id, after_id = _pair(app)
    with app.app_context():
        before, after = (
            processes.get_record(db.session(), before_id),
            processes.get_record(db.session(), after_id),
        )
        comparison.record_link(
            db.session(),
            before,
            after,
            before_steps=["form"],
            after_steps=["sms"],
            note="SMS",
            actor="consultant",
        )
        model = processes.model_of(after)
        model.update_node("sms", name="Enrol by SMS code")
        later = processes.save_version(db.session(), after, model, actor="consultant", note="rename")
        db.session.commit()
        result = comparison.compare(db.session(), before, later)
        (match,) = [m for m in result.matches if m.after == ("sms",)]
        assert match.stage is MatchStage.link and match.before == ("form",)
        # The AS-IS the links were recorded against is the TO-BE's counterpart.
        assert comparison.counterpart(db.session(), later, [before]) is before
