"""`workbench signoff` and `workbench stages` end to end through the CLI, the approval sheet's
hash against a recomputation from the stored snapshot, the package DOCX, the programme rules in
both languages, and the mail sent over real SMTP (aiosmtpd in this process)."""

from __future__ import annotations

import io
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from flask import Flask
from sqlalchemy import func, select

from tests.workbench.signoff_support import make_signoff_project
from workbench.extensions import db
from workbench.notifications.models import InboxMessage
from workbench.signoff.models import PackageDecision, Revision
from workbench.signoff.rules_text import programme_rules
from workbench.signoff.snapshot import sha256


@pytest.fixture
def cli(app: Flask) -> Any:
    with app.app_context():
        make_signoff_project(db.session())
        db.session.commit()
    return app.test_cli_runner()


def _submit(cli: Any) -> tuple[int, str]:
    result = cli.invoke(
        args=[
            "signoff",
            "submit",
            "--project",
            "ACME",
            "--approvers",
            "cfo,buyer,ops",
            "--rule",
            "2",
            "--required",
            "cfo",
            "--version",
            "v2",
            "--as",
            "consultant",
        ]
    )
    assert result.exit_code == 0, result.output
    match = re.fullmatch(r"revision (\d+) sha256 ([0-9a-f]{64})\n", result.stdout)
    assert match, result.stdout
    return int(match.group(1)), match.group(2)


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_submit_approve_status_and_the_sheet_through_the_cli(app: Flask, cli: Any, tmp_path: Path) -> None:
    revision, digest = _submit(cli)
    assert cli.invoke(args=["signoff", "approve", str(revision), "--as", "buyer"]).exit_code == 0
    status = cli.invoke(args=["signoff", "status", "--project", "ACME", "--json"])
    data = json.loads(status.stdout)
    assert (data["revision"], data["hash"], data["state"]) == (revision, digest, "waiting")
    assert [(a["user"], a["decision"], a["revision"]) for a in data["approvals"]] == [
        ("buyer", "approve", revision)
    ]
    assert {"at"} <= set(data["approvals"][0])

    done = cli.invoke(args=["signoff", "approve", str(revision), "--as", "cfo"])
    assert "is signed" in done.stdout
    assert (
        json.loads(cli.invoke(args=["signoff", "status", "--project", "ACME", "--json"]).stdout)["state"]
        == "signed"
    )

    sheet = tmp_path / "sheet.docx"
    assert (
        cli.invoke(args=["signoff", "sheet", "--project", "ACME", "-o", str(sheet), "--lang", "en"]).exit_code
        == 0
    )
    text = _docx_text(sheet.read_bytes())
    printed = re.search(r"Package hash \(SHA-256\)\n([0-9a-f]{64})", text)
    assert printed, text
    with app.app_context():
        stored = db.session.get(Revision, revision)
        assert stored is not None
        # The hash the sheet prints is a recomputation from the stored snapshot's bytes.
        assert printed.group(1) == sha256(stored.snapshot) == digest
    assert "CFO (cfo)" in text and "BUYER (buyer)" in text and "signed" in text
    russian = tmp_path / "sheet-ru.docx"
    assert cli.invoke(args=["signoff", "sheet", "--project", "ACME", "-o", str(russian)]).exit_code == 0
    assert "Лист согласования" in _docx_text(russian.read_bytes())

    package = tmp_path / "package.docx"
    assert (
        cli.invoke(
            args=["signoff", "package", "--project", "ACME", "-o", str(package), "--lang", "en"]
        ).exit_code
        == 0
    )
    text = _docx_text(package.read_bytes())
    for expected in (
        "Gap map",
        "MOD-1",
        "6.5",
        "A wholesale check earns no points",
        "3% of the check in points",
    ):
        assert expected in text

    board = json.loads(cli.invoke(args=["stages", "--project", "ACME", "--json"]).stdout)
    stage_3 = board["stages"][2]
    assert stage_3["state"] == "closed" and stage_3["closed"]["hash"] == digest
    assert [s["state"] for s in board["stages"][4:]] == ["not_started", "not_started"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["signoff", "approve", "999", "--as", "cfo"], "error: no revision 999\n"),
        (
            ["signoff", "reject", "{rev}", "--as", "cfo", "--reason", " "],
            "error: a rejection needs a reason\n",
        ),
        (
            ["signoff", "approve", "{rev}", "--as", "approver"],
            "error: approver is not an approver of package",
        ),
        (["signoff", "approve", "{rev}", "--as", "consultant"], "error: consultant submitted package"),
        (["signoff", "status", "--project", "NOPE"], "error: no project 'NOPE'\n"),
        (["stages", "--project", "ACME", "--close", "3"], "error: stage 3 closes itself"),
    ],
)
def test_bad_input_on_the_cli_is_one_line_and_exit_1(
    app: Flask, cli: Any, args: list[str], message: str
) -> None:
    revision, _ = _submit(cli)
    result = cli.invoke(args=[a.replace("{rev}", str(revision)) for a in args])
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PackageDecision)) == 0


def test_a_stale_revision_is_refused_on_the_cli(app: Flask, cli: Any, tmp_path: Path) -> None:
    revision, _ = _submit(cli)
    bumped = tmp_path / "v2.yaml"
    from tests.workbench.signoff_support import V2

    bumped.write_text(V2.replace("base_rate: 3", "base_rate: 4"), encoding="utf-8")
    with app.app_context():
        from loyalty_core.config import service as config_service
        from workbench.programme import service as programme

        programme.update_draft(
            db.session(),
            config_service.get_version(db.session(), "v2"),
            bumped.read_text(),
            actor="consultant",
        )
        db.session.commit()
    result = cli.invoke(args=["signoff", "approve", str(revision), "--as", "cfo"])
    assert result.exit_code == 1 and f"revision {revision} is stale" in result.stderr
    status = json.loads(cli.invoke(args=["signoff", "status", "--project", "ACME", "--json"]).stdout)
    assert status["revision"] != revision and status["revision_number"] == 2


def test_the_programme_rules_read_in_russian_and_english(app: Flask) -> None:
    import yaml

    from loyalty_core.config.service import _jsonable
    from tests.workbench.signoff_support import V2

    document = _jsonable(yaml.safe_load(V2))
    with app.test_request_context():
        english = {r.key: r.text for r in programme_rules(document, "en")}
        russian = {r.key: r.text for r in programme_rules(document, "ru")}
    assert english["earn.base_rate"] == "3% of the check in points"
    assert russian["earn.base_rate"] == "3% от чека баллами"
    assert english["tiers[silver]"] == "Серебряный from 30,000\u00a0₽ a year earns ×1.25"
    assert russian["tiers[silver]"] == "Серебряный от 30\u00a0000\u00a0₽ в год начисляет ×1,25"
    assert "5% on fresh and bakery" in english.values()
    assert set(english) == set(russian)
    # Every top-level key of the document is worded (currency and time zone in the programme's line).
    covered = {re.split(r"[.\[]", key)[0] for key in english} | {"currency", "timezone"}
    assert set(document) <= covered, set(document) - covered


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_approvers_are_emailed_over_smtp_when_mail_server_is_set(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    from tests.workbench.conftest import make_app

    received: list[Any] = []

    class Keep(Message):  # type: ignore[misc]
        def handle_message(self, message: Any) -> None:
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = make_app(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            make_signoff_project(db.session())
            db.session.commit()
        runner = app.test_cli_runner()
        result = runner.invoke(
            args=[
                "signoff",
                "submit",
                "--project",
                "ACME",
                "--approvers",
                "cfo,buyer",
                "--version",
                "v2",
                "--as",
                "consultant",
            ]
        )
        assert result.exit_code == 0, result.output
    finally:
        controller.stop()
    assert sorted(m["To"] for m in received) == ["buyer@client.example", "cfo@client.example"]
    assert all(m["Subject"] == "ACME: the prototype package waits for your review" for m in received)
    with app.app_context():
        flags = db.session.scalars(select(InboxMessage.emailed)).all()
        assert flags == [True, True]  # kept in the inbox as well, marked sent
