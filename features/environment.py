"""behave hooks of the core's acceptance suite: no database, no HTTP, the pure engine in-process.

Every scenario starts with a fresh till (features/acceptance/till.py). A purchase or a return the
engine refused must be checked by a "... is refused because ..." step: one left unchecked fails
the scenario here, so a refusal can never pass as if the purchase had gone through.

Undefined steps fail the run: behave 1.3 exits non-zero when any step is undefined (it has no
--strict option; it is strict by default), and `make test` passes --no-snippets --summary only.

`make test` runs the "progress" formatter, which prints one character per scenario and never the
failure message; when no formatter shows failures (progress, null, json, ...), after_step prints
each failed step with its message (expected vs actual) so the run says what went wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# behave puts features/ on sys.path while it runs; say so explicitly for tools that import us.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from acceptance.till import Till  # noqa: E402

# Formatters that print a failed step's message themselves.
_SHOWS_FAILURES = {"plain", "pretty", "progress2", "progress3"}


def before_all(context: Any) -> None:
    formats = context.config.format or [context.config.default_format]
    context.echo_failures = not (_SHOWS_FAILURES & set(formats))


def before_scenario(context: Any, scenario: Any) -> None:
    context.till = Till()


def after_scenario(context: Any, scenario: Any) -> None:
    if context.echo_failures:
        for step in scenario.all_steps:
            if getattr(step.status, "name", step.status) == "undefined":
                sys.__stdout__.write(f"\nUNDEFINED {step.location}  {step.keyword} {step.name}\n")
                sys.__stdout__.flush()
    till = getattr(context, "till", None)
    if till is not None and till.book is not None:
        till.book.close()  # the scenario's in-memory ledger
    refusal = till.refusal if till is not None else None
    if (
        refusal is not None
        and not refusal.checked
        and getattr(scenario.status, "name", scenario.status) == "passed"
    ):
        raise AssertionError(
            f"the {refusal.kind} was refused and no step checked why: {refusal.detail} "
            f'(add "Then the {refusal.kind} is refused because ...")'
        )


def after_step(context: Any, step: Any) -> None:
    status = getattr(step.status, "name", step.status)
    if not context.echo_failures or status not in ("failed", "error"):
        return
    if isinstance(step.exception, AssertionError):
        message = str(step.exception)
    else:
        message = step.error_message or repr(step.exception)
    out = sys.__stdout__
    out.write(f"\nFAILED {step.location}  {step.keyword} {step.name}\n")
    out.write("".join(f"  {line}\n" for line in message.rstrip().splitlines()))
    out.flush()
