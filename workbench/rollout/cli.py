"""`workbench rollout ...`: plans, waves, gates, advance, rollback, halt, status, feedback (our checks
use it). Refusals print `error: ...` (and each problem) on stderr and exit 1; nothing is changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext

from loyalty_core.errors import LoyaltyError
from rollout import readiness
from rollout import service as rollout
from rollout import status as rollout_status
from rollout.errors import RolloutError
from rollout.schedule import parse_local
from workbench.audit.service import CLI_ACTOR
from workbench.extensions import db
from workbench.rollout import service

rollout_group = click.Group(
    "rollout", help="Roll a configuration version out: pilot, waves, gates, rollback."
)
plan_group = click.Group("plan", help="Rollout plans.")
wave_group = click.Group("wave", help="Waves of a plan.")
feedback_group = click.Group("feedback", help="The pilot's feedback and defect log.")
rollout_group.add_command(plan_group)
rollout_group.add_command(wave_group)
rollout_group.add_command(feedback_group)


def _fail(error: Exception) -> NoReturn:
    db.session.rollback()
    click.echo(gettext("error: %(message)s", message=getattr(error, "detail", None) or error), err=True)
    for problem in getattr(error, "problems", None) or []:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _plan(plan_id: str) -> Any:
    return rollout.get_plan(db.session(), plan_id)


REFUSALS = (RolloutError, LoyaltyError)


def import_command() -> click.Command:
    @click.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--as", "actor", default=CLI_ACTOR, help="Who imports (audit log).")
    @with_appcontext
    def store_import(file: Path, actor: str) -> None:
        """Import the client's store register (CSV or XLSX; upsert by code; all or nothing)."""
        try:
            result = service.import_register(db.session(), file.name, file.read_bytes(), actor=actor)
            db.session.commit()
        except REFUSALS as error:
            _fail(error)
        click.echo(
            gettext(
                "%(file)s: %(added)s store(s) added, %(updated)s updated",
                file=file.name,
                added=result.created,
                updated=result.updated,
            )
        )

    return store_import


@plan_group.command("create")
@click.option("--project", "key", required=True)
@click.option("--version", "label", required=True, help="The configuration version to roll out.")
@click.option("--pilot", required=True, help="Pilot store codes, comma-separated (wave 1).")
@click.option("--at", "at", default=None, help='Pilot switch time, local to each store: "2027-01-15 03:00".')
@click.option(
    "--override-reason", default=None, help="An approver's reason to exceed 5 pilot stores per direction."
)
@click.option("--as", "actor", default=CLI_ACTOR, help="Who does it (an approver, to override).")
@click.option(
    "--min-pilot-days", type=int, default=None, help="Gate: the pilot runs at least this many days (14)."
)
@click.option(
    "--min-pilot-transactions",
    type=int,
    default=None,
    help="Gate: with at least this many transactions (100).",
)
@with_appcontext
def plan_create(
    key: str,
    label: str,
    pilot: str,
    at: str | None,
    override_reason: str | None,
    actor: str,
    min_pilot_days: int | None,
    min_pilot_transactions: int | None,
) -> None:
    """Create a plan whose wave 1 is the pilot; print its id."""
    try:
        service.plan_project(db.session(), key)
        plan = service.create_plan(
            db.session(),
            key,
            label,
            _codes(pilot),
            actor=actor,
            now=service.utcnow(),
            override_reason=override_reason,
            override_by=actor,
            at_local=parse_local(at) if at else None,
            min_pilot_days=min_pilot_days,
            min_pilot_transactions=min_pilot_transactions,
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(plan.id)


@plan_group.command("list")
@with_appcontext
def plan_list() -> None:
    for plan in rollout.list_plans(db.session()):
        click.echo(
            f"{plan.id}\t{plan.project_key}\twaves={len(plan.waves)}\t"
            f"{'halted' if plan.halted else 'running'}"
        )


@rollout_group.command("controls")
@click.argument("plan_id")
@click.argument("pilot_store")
@click.option("--controls", required=True, help="Control store codes, comma-separated.")
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def controls(plan_id: str, pilot_store: str, controls: str, actor: str) -> None:
    """Name a pilot store's control stores (same direction, not in the pilot)."""
    try:
        service.set_controls(db.session(), _plan(plan_id), pilot_store, _codes(controls), actor=actor)
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(gettext("%(store)s: controls %(controls)s", store=pilot_store.upper(), controls=controls))


@wave_group.command("add")
@click.argument("plan_id")
@click.option("--stores", default=None, help="Store codes, comma-separated.")
@click.option("--region", default=None)
@click.option("--direction", default=None, type=click.Choice(["retail", "wholesale"]))
@click.option("--at", "at", default=None, help='Switch time, local to each store: "2027-01-15 03:00".')
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def wave_add(
    plan_id: str, stores: str | None, region: str | None, direction: str | None, at: str | None, actor: str
) -> None:
    """Add the next wave: named stores, or every open store of a region and/or direction left."""
    try:
        wave = service.add_wave(
            db.session(),
            _plan(plan_id),
            actor=actor,
            now=service.utcnow(),
            codes=_codes(stores) or None,
            region=region,
            direction=direction,
            at_local=parse_local(at) if at else None,
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(gettext("wave %(number)s: %(count)s store(s)", number=wave.number, count=len(wave.stores)))


@rollout_group.command("gate")
@click.argument("plan_id")
@click.argument("wave_number", type=int)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def gate(plan_id: str, wave_number: int, as_json: bool) -> None:
    """The gate before a wave: each criterion with ok and evidence; exit 1 when it is closed."""
    try:
        plan = _plan(plan_id)
        results = rollout.gate_for(
            db.session(), plan, readiness.wave_by_number(plan, wave_number), service.utcnow()
        )
    except REFUSALS as error:
        _fail(error)
    is_open = all(r.ok for r in results)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "plan": plan.id,
                    "wave": wave_number,
                    "open": is_open,
                    "criteria": [r.as_dict() for r in results],
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        for r in results:
            click.echo(
                f"{'ok  ' if r.ok else 'FAIL'} {r.name}: "
                f"{json.dumps(r.evidence, ensure_ascii=False, default=str)}"
            )
        click.echo(gettext("gate open") if is_open else gettext("gate closed"))
    db.session.rollback()
    sys.exit(0 if is_open else 1)


@rollout_group.command("advance")
@click.argument("plan_id")
@click.option(
    "--override-reason", default=None, help="Advance past a closed gate (an approver's, with --as)."
)
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def advance(plan_id: str, override_reason: str | None, actor: str) -> None:
    """Advance the next wave past its gate: its stores switch at the wave's time (or now)."""
    try:
        result = service.advance(
            db.session(), _plan(plan_id), actor=actor, now=service.utcnow(), override_reason=override_reason
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    overridden = result.decision is not None and result.decision.decision == "override"
    click.echo(
        ngettext(
            "wave %(wave)s: %(num)d store(s) scheduled (gate overridden)",
            "wave %(wave)s: %(num)d store(s) scheduled (gate overridden)",
            result.switches,
            wave=result.wave.number,
        )
        if overridden
        else ngettext(
            "wave %(wave)s: %(num)d store(s) scheduled",
            "wave %(wave)s: %(num)d store(s) scheduled",
            result.switches,
            wave=result.wave.number,
        )
    )


@rollout_group.command("rollback")
@click.argument("plan_id")
@click.option("--wave", "wave_number", type=int, default=None)
@click.option("--store", "store_code", default=None)
@click.option("--reason", required=True)
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def rollback(plan_id: str, wave_number: int | None, store_code: str | None, reason: str, actor: str) -> None:
    """Return a wave, a store or the whole plan to the previous version, from the next request."""
    try:
        result = service.rollback(
            db.session(),
            _plan(plan_id),
            reason=reason,
            actor=actor,
            now=service.utcnow(),
            wave_number=wave_number,
            store_code=store_code,
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(
        gettext(
            "rolled back: %(stores)s; called off: %(called_off)s"
            " (%(rolled_back_count)s rolled back, %(called_off_count)s called off)",
            stores=", ".join(result.switched_back) or "-",
            called_off=", ".join(result.called_off) or "-",
            rolled_back_count=result.switched_back_count,
            called_off_count=result.called_off_count,
        )
    )


@rollout_group.command("halt")
@click.argument("plan_id")
@click.option("--reason", default="")
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def halt(plan_id: str, reason: str, actor: str) -> None:
    """Freeze further waves (and call off switches not yet due) until resumed."""
    try:
        called_off = service.halt(
            db.session(), _plan(plan_id), reason=reason, actor=actor, now=service.utcnow()
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(
        gettext(
            "plan %(plan)s halted; called off: %(stores)s", plan=plan_id, stores=", ".join(called_off) or "-"
        )
    )


@rollout_group.command("resume")
@click.argument("plan_id")
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def resume(plan_id: str, actor: str) -> None:
    try:
        service.resume(db.session(), _plan(plan_id), actor=actor)
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(gettext("plan %(plan)s resumed", plan=plan_id))


@rollout_group.command("status")
@click.argument("plan_id")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def status(plan_id: str, as_json: bool) -> None:
    """Every store of the plan: wave, current and planned version, switch time (UTC and local)."""
    try:
        plan = _plan(plan_id)
    except REFUSALS as error:
        _fail(error)
    rows = rollout_status.plan_rows(db.session(), plan, service.utcnow())
    if as_json:
        click.echo(
            json.dumps(
                {
                    "plan": plan.id,
                    "halted": plan.halted,
                    **rollout_status.summary(rows),
                    "rows": [r.as_dict() for r in rows],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for r in rows:
        local = r.switch_local.strftime("%Y-%m-%d %H:%M %Z") if r.switch_local else "-"
        click.echo(f"{r.code}\twave {r.wave}\t{r.current or '-'} -> {r.planned}\t{r.state}\t{local}")


@rollout_group.command("tick")
@with_appcontext
def tick() -> None:
    """Record switches whose moment has come (audit log, store lists). Cron it, or let the job
    runner call it: the POS never waits for it, it resolves versions by date itself."""
    done = service.record_due_switches(db.session(), now=service.utcnow())
    db.session.commit()
    click.echo(gettext("%(count)s switch(es) recorded", count=len(done)))


@feedback_group.command("add")
@click.argument("plan_id")
@click.option("--store", "store_code", default=None)
@click.option("--reporter", required=True)
@click.option("--severity", required=True, type=click.Choice(["critical", "high", "medium", "low"]))
@click.option(
    "--category", default="defect", type=click.Choice(["defect", "question", "suggestion", "training"])
)
@click.option("--text", required=True)
@click.option("--link", default="", help="A requirement, modification or scenario (REQ-3, MOD-1, ...).")
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def feedback_add(
    plan_id: str,
    store_code: str | None,
    reporter: str,
    severity: str,
    category: str,
    text: str,
    link: str,
    actor: str,
) -> None:
    """Log pilot feedback or a defect; print its id."""
    try:
        item = service.add_feedback(
            db.session(),
            _plan(plan_id),
            actor=actor,
            now=service.utcnow(),
            store_code=store_code,
            reporter=reporter,
            severity=severity,
            category=category,
            text=text,
            link=link,
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(item.id)


@feedback_group.command("set")
@click.argument("plan_id")
@click.argument("item_id", type=int)
@click.argument("new_status", type=click.Choice(["open", "fixed", "wont_fix"]))
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def feedback_set(plan_id: str, item_id: int, new_status: str, actor: str) -> None:
    try:
        service.set_feedback_status(
            db.session(), _plan(plan_id), item_id, new_status, actor=actor, now=service.utcnow()
        )
        db.session.commit()
    except REFUSALS as error:
        _fail(error)
    click.echo(gettext("feedback %(item)s: %(status)s", item=item_id, status=new_status))


@rollout_group.command("checklist")
@click.argument("plan_id")
@click.argument("wave_number", type=int)
@click.option("--complete", is_flag=True, help="Tick every open item (of --store only, when given).")
@click.option("--store", "store_code", default=None)
@click.option("--as", "actor", default=CLI_ACTOR)
@with_appcontext
def checklist(plan_id: str, wave_number: int, complete: bool, store_code: str | None, actor: str) -> None:
    """The wave's training and support checklist (or tick it with --complete)."""
    try:
        wave = readiness.wave_by_number(_plan(plan_id), wave_number)
        if complete:
            ticked = service.complete_checklist(
                db.session(), wave, actor=actor, now=service.utcnow(), store_code=store_code
            )
            db.session.commit()
            click.echo(gettext("%(count)s item(s) ticked", count=ticked))
        for item, code in readiness.checklist(db.session(), wave):
            click.echo(
                f"{code}\t{item.kind}\t{'done' if item.done_at else 'open'}\t"
                f"{item.owner or '-'}\t{item.due_on or '-'}"
            )
    except REFUSALS as error:
        _fail(error)
