"""The gap map and the modifications list as documents: a Word report (DOCX) to hand over at the
checkpoint, and a workbook (XLSX) a client's PM filters and edits. Both render a `GapMapReport`
as it is; they compute nothing but the counts shown beside it."""

from __future__ import annotations

from gap_analysis.export.excel import gap_map_xlsx
from gap_analysis.export.word import gap_map_docx

__all__ = ["gap_map_docx", "gap_map_xlsx"]
