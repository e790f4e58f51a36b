"""The document exports that run as jobs: each export's name, the roles that may start and
download it, and its builder ("module:function", imported when the job runs).

A builder gets the session, the export's parameters (what the page's URL chose, as JSON) and the
user who asked (the actor of its audit entry), and returns the document. It runs in the job,
under the requester's language, with the same checks of its inputs as the page made; it raises
ExportRefused when what it should build is gone (a plan deleted since, a wave renumbered).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.orm import Session

from workbench.auth.enums import Role

JOB_KIND = "documents.build"


class ExportRefused(Exception):
    """The export cannot be built: its message is what the job page shows."""


@dataclass(frozen=True)
class Built:
    """A built document: its bytes, the file name it downloads as, and its media type."""

    data: bytes
    filename: str
    mimetype: str


Builder = Callable[[Session, dict[str, Any], str], Built]


@dataclass(frozen=True)
class Export:
    builder: str  # "module:function"
    roles: tuple[Role, ...] = ()  # who may start and download it; () is every signed-in user


EXPORTS: dict[str, Export] = {
    "gapmap": Export("workbench.exports.builders:gap_map"),
    "description": Export("workbench.exports.builders:description"),
    "signoff": Export("workbench.exports.builders:signoff_document"),
    "rollout.go_no_go": Export("workbench.exports.builders:go_no_go"),
    "rollout.status": Export("workbench.exports.builders:rollout_status"),
    "rollout.feedback": Export("workbench.exports.builders:rollout_feedback"),
    "analytics.kpi": Export("workbench.exports.builders:kpi_report"),
}


def export_named(name: str) -> Export:
    try:
        return EXPORTS[name]
    except KeyError:
        raise ExportRefused(f"unknown export {name!r}") from None


def build(session: Session, name: str, params: dict[str, Any], actor: str) -> Built:
    module_name, function = export_named(name).builder.split(":")
    builder = cast(Builder, getattr(importlib.import_module(module_name), function))
    return builder(session, params, actor)
