"""Tables of the acceptance scenarios: a project's features (Gherkin text), the scenarios parsed
out of them with their requirement tags, runs against a configuration version and their results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import UTCDateTime, utcnow
from workbench.acceptance.enums import summary_line
from workbench.acceptance.gherkin import example_names
from workbench.extensions import db
from workbench.projects.models import Project


class Feature(db.Model):  # type: ignore[name-defined,misc]
    """One `.feature` file of a project, stored as the Gherkin text the consultant wrote."""

    __tablename__ = "acceptance_features"
    __table_args__ = (UniqueConstraint("project_id", "filename", name="uq_acceptance_features_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="en")
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80), default="")

    project: Mapped[Project] = relationship()
    scenarios: Mapped[list[Scenario]] = relationship(
        back_populates="feature", order_by="Scenario.position", cascade="all, delete-orphan"
    )


class Scenario(db.Model):  # type: ignore[name-defined,misc]
    """A scenario (or scenario outline) of a stored feature. It keeps its id while the feature is
    edited (matched by name), so its history across runs survives; one removed from the text is
    kept inactive for the same reason."""

    __tablename__ = "acceptance_scenarios"
    __table_args__ = (UniqueConstraint("feature_id", "name", name="uq_acceptance_scenarios_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_features.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    line: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # its own and its feature's
    text: Mapped[str] = mapped_column(Text, default="")  # the scenario's Gherkin, as written
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    feature: Mapped[Feature] = relationship(back_populates="scenarios")
    requirements: Mapped[list[ScenarioRequirement]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", order_by="ScenarioRequirement.number"
    )

    @property
    def requirement_numbers(self) -> list[int]:
        return [link.number for link in self.requirements]

    @property
    def display_names(self) -> tuple[str, ...]:
        """Its name; for an outline, its name filled in per example row (no "<spend>" shown)."""
        return example_names(self.name, self.text, self.feature.language) or (self.name,)


class ScenarioRequirement(db.Model):  # type: ignore[name-defined,misc]
    """A scenario's @REQ-n tag: the requirement it proves, by its number within the project (the
    requirement may be written after the scenario)."""

    __tablename__ = "acceptance_scenario_requirements"
    __table_args__ = (UniqueConstraint("scenario_id", "number", name="uq_acceptance_scenario_requirement"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_scenarios.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, index=True)

    scenario: Mapped[Scenario] = relationship(back_populates="requirements")


class Run(db.Model):  # type: ignore[name-defined,misc]
    """One run of a project's scenarios against one configuration version."""

    __tablename__ = "acceptance_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    config_version_id: Mapped[int] = mapped_column(ForeignKey("config_versions.id"), index=True)
    # The version as it was run: a draft may change after the run, its hash says which text ran.
    config_label: Mapped[str] = mapped_column(String(64))
    config_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    started_by: Mapped[str] = mapped_column(String(80), default="")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    duration_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    total: Mapped[int] = mapped_column(Integer, default=0)  # scenarios to run (progress)
    done: Mapped[int] = mapped_column(Integer, default=0)  # scenarios finished so far (progress)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    undefined: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    output: Mapped[str] = mapped_column(Text, default="")  # behave's stderr / why it could not run

    project: Mapped[Project] = relationship()
    config_version: Mapped[ConfigVersion] = relationship(ConfigVersion)
    results: Mapped[list[Result]] = relationship(
        back_populates="run", order_by="Result.id", cascade="all, delete-orphan"
    )

    @property
    def summary(self) -> str:
        """`N passed, N failed` and the others when there are any (what the CLI prints last)."""
        return summary_line(self.passed, self.failed, self.skipped, self.undefined, self.errors)

    @property
    def ok(self) -> bool:
        return self.status == "finished" and not (self.failed or self.undefined or self.errors)


class Result(db.Model):  # type: ignore[name-defined,misc]
    """What one scenario came to in one run; a feature that could not be parsed gives one result
    with no scenario and status `error`."""

    __tablename__ = "acceptance_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("acceptance_runs.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("acceptance_scenarios.id", ondelete="SET NULL"), nullable=True, index=True
    )
    feature_id: Mapped[int | None] = mapped_column(
        ForeignKey("acceptance_features.id", ondelete="SET NULL"), nullable=True, index=True
    )
    feature_name: Mapped[str] = mapped_column(String(300), default="")
    scenario_name: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12))
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    failing_step: Mapped[str] = mapped_column(
        Text, default=""
    )  # "Then the receipt earns 159 points" (line 12)
    message: Mapped[str] = mapped_column(Text, default="")  # expected vs actual, or the parse error
    snippet: Mapped[str] = mapped_column(Text, default="")  # code to implement undefined steps
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # keyword, name, status, line

    run: Mapped[Run] = relationship(back_populates="results")
    scenario: Mapped[Scenario | None] = relationship()
