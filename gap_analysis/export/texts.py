"""What both exports write the same way: person-days, the time of
the report, a requirement's scenarios and latest result, and text made safe for XML."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gap_analysis.enums import worst_status
from gap_analysis.records import GapMapReport, RequirementRecord, ScenarioLabel

# Characters XML 1.0 cannot hold: python-docx and openpyxl refuse them, so a stray one in a
# typed description is dropped from an export, and an imported cell holding one is refused.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` without the control characters XML cannot carry."""
    return NOT_XML.sub("", text or "")


def days(value: Decimal) -> str:
    """Person-days as people write them: "12.5", "3", "0.25"."""
    text = format(Decimal(value).normalize(), "f")
    return text


def generated_at(report: GapMapReport) -> str:
    """When the report was made, in the report's time zone ("2026-12-02 09:45 MSK")."""
    try:
        zone: dt.tzinfo = ZoneInfo(report.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    local = report.generated_at.astimezone(zone)
    name = local.tzname() or report.timezone
    # Zones without an abbreviation give "+03"; the zone's name says more then.
    if name[:1] in "+-":
        name = f"{report.timezone} (UTC{name})"
    return f"{local:%Y-%m-%d %H:%M} {name}"


def scenario_text(scenario: ScenarioLabel) -> str:
    result = scenario.status.replace("_", " ")
    if scenario.config_label:
        result += f" on {scenario.config_label}"
    return f"{scenario.feature}: {scenario.name} ({result})"


def last_result(requirement: RequirementRecord) -> str:
    """The worst latest result among the requirement's scenarios; "no scenario" when none."""
    if not requirement.scenarios:
        return "no scenario"
    return worst_status(scenario.status for scenario in requirement.scenarios).replace("_", " ")


def source_text(requirement: RequirementRecord) -> str:
    label = requirement.source_kind.label
    return f"{label}: {requirement.source_text}" if requirement.source_text else label
