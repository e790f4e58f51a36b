"""Where the tests find the public BPMN files they import: inside the repository, so a fresh
clone runs every BPMN test with nothing beside it (sources and licences in its SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

BPMN_CORPUS = Path(__file__).resolve().parent / "data" / "bpmn-corpus"
