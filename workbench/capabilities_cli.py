"""`workbench capabilities [--json]`: the loyalty core's capability catalogue.

The catalogue is built from the core's configuration schema and implementing code
(`loyalty_core.capabilities`), so what this prints is what the core does.
"""

from __future__ import annotations

import json

import click
from flask_babel import gettext

from loyalty_core.capabilities import STANDARD, catalogue, to_json


@click.command("capabilities")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON (a list of records).")
def capabilities_command(as_json: bool) -> None:
    """What the loyalty core does out of the box and which configuration keys switch each behaviour on."""
    items = catalogue()
    if as_json:
        click.echo(json.dumps(to_json(items), ensure_ascii=False, indent=2))
        return
    rows = [(c.code, c.kind, ", ".join(c.config_keys) or "-", c.title) for c in items]
    header = ("code", "kind", "keys", "title")
    # The first columns are padded to line up; the title, last, is not (no trailing spaces).
    padded = len(header) - 1
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(padded)]
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:padded], widths, strict=True))
            + "  "
            + row[padded]
        )
    standard = sum(1 for c in items if c.kind == STANDARD)
    click.echo(
        gettext(
            "%(count)s capabilities: %(standard)s standard, %(value)s by configuration",
            count=len(items),
            standard=standard,
            value=len(items) - standard,
        ),
        err=True,
    )
