"""BPMN 2.0 XML import and export, with diagram interchange (DI).

    result = import_bpmn(data, source="invoice.bpmn")   # BpmnImport: .models, .report
    xml = export_bpmn(result.models)                     # bytes Camunda Modeler / bpmn.io open

Import never raises anything but `BpmnError` for bad input (oversized, not XML, DTDs/entities,
not BPMN), and lists in `result.report` every element it could not represent.
"""

from __future__ import annotations

from process_models.bpmn.reader import BpmnImport, read
from process_models.bpmn.report import ImportReport, Outcome, ReportItem
from process_models.bpmn.safety import MAX_BYTES, BpmnError, parse_untrusted
from process_models.bpmn.writer import EXPORTER, write
from process_models.model import ModelError, ProcessModel

__all__ = [
    "EXPORTER",
    "MAX_BYTES",
    "BpmnError",
    "BpmnImport",
    "ImportReport",
    "Outcome",
    "ReportItem",
    "export_bpmn",
    "import_bpmn",
]


def import_bpmn(data: bytes | str, *, source: str = "BPMN file", max_bytes: int = MAX_BYTES) -> BpmnImport:
    """Read BPMN 2.0 XML (bytes as stored, or text) into one model per process, with a report.

    `source` names the input in messages (e.g. the uploaded file's name). Raises `BpmnError`,
    with a message naming the problem and the line when known, for input that is too large
    (`max_bytes`), not XML, declares a DTD or entities, or is not BPMN 2.0.
    """
    parsed = parse_untrusted(data, source=source, max_bytes=max_bytes)
    try:
        return read(parsed, source)
    except BpmnError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, ModelError, RecursionError) as exc:
        # A file that trips the reader is still bad input to the caller: one error type, no
        # traceback for them; the cause stays chained for whoever fixes the reader.
        raise BpmnError(
            f"the importer failed on this file (a bug in the workbench, please report it): {exc!r}",
            source=source,
        ) from exc


def export_bpmn(models: ProcessModel | list[ProcessModel]) -> bytes:
    """BPMN 2.0 XML (UTF-8) with diagram interchange for one model or several (one pool each).

    Models without coordinates are laid out automatically; the models given are not changed.
    Raises `BpmnError` when there is nothing to export or a model's kept XML cannot be read.
    """
    return write([models] if isinstance(models, ProcessModel) else list(models))
