"""Row and cell bounds of an uploaded workbook, checked while its XML streams by.

The zip checks (unpacked size, compression ratio) let through a small file whose sheet is tens
of megabytes of empty rows at a ratio an ordinary sheet also has; parsing that with openpyxl
takes many seconds of CPU. So before openpyxl reads a part, the part is streamed through a
defused XML parser that counts its rows and cells (and the shared strings) and stops at the
first one over a bound, having read no more than that. Every worksheet is checked, not only
the one imported: openpyxl scans each sheet for its size as it opens the workbook.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

MAX_SHEET_ROWS = 10_000  # rows of the sheet read, the header and empty rows included
MAX_SHEET_CELLS = 200_000  # cells written in the sheet's XML, whichever their column
MAX_SHARED_STRINGS = 200_000  # the workbook's table of texts, read whole when it is opened


class BoundExceeded(ValueError):
    """A part holds more than a bound; the message names the part, the bound and what to do."""


def _ends(stream: IO[bytes]) -> Iterator[tuple[str, Element]]:
    """(local tag name, element) of every element as it ends; elements are cleared once seen."""
    for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
        yield element.tag.rsplit("}", 1)[-1], element
        element.clear()


def check_sheet(archive: zipfile.ZipFile, part: str, title: str) -> None:
    """Refuse a worksheet part with more than MAX_SHEET_ROWS rows (counting a row number that
    skips ahead: openpyxl yields the rows in between) or more than MAX_SHEET_CELLS cells."""
    rows = cells = 0
    with archive.open(part) as stream:
        for tag, element in _ends(stream):
            if tag == "c":
                cells += 1
                if cells > MAX_SHEET_CELLS:
                    raise BoundExceeded(
                        f"the sheet {title!r} holds more than {MAX_SHEET_CELLS:,} cells; "
                        f"at most {MAX_SHEET_CELLS:,} are read: delete what is not requirements"
                    )
            elif tag == "row":
                number = element.get("r")
                rows = max(rows + 1, int(number) if number and number.isdigit() else 0)
                if rows > MAX_SHEET_ROWS:
                    raise BoundExceeded(
                        f"the sheet {title!r} goes on past row {MAX_SHEET_ROWS:,} (empty rows count too); at "
                        "most "
                        f"{MAX_SHEET_ROWS:,} rows are read: delete the empty rows below the table"
                    )


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Check the shared strings and every worksheet of the workbook (before openpyxl opens it)."""
    check_shared_strings(archive)
    titles = sheet_titles(archive)
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            check_sheet(archive, name, titles.get(name, name))


def sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> the sheet's name as Excel shows it (from workbook.xml and its
    relationships); parts it cannot name are left out (messages then name the part)."""
    relationships = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with archive.open("xl/_rels/workbook.xml.rels") as stream:
            targets = {e.get("Id"): e.get("Target", "") for tag, e in _ends(stream) if tag == "Relationship"}
        with archive.open("xl/workbook.xml") as stream:
            named = [(e.get("name", ""), e.get(relationships)) for tag, e in _ends(stream) if tag == "sheet"]
    except (KeyError, SyntaxError):
        return {}
    titles = {}
    for title, rel in named:
        target = targets.get(rel) or ""
        titles[target.lstrip("/") if target.startswith("/") else f"xl/{target}"] = title
    return titles


def check_shared_strings(archive: zipfile.ZipFile) -> None:
    """Refuse a shared-strings table of more than MAX_SHARED_STRINGS texts (openpyxl reads it
    whole when it opens the workbook, before any sheet)."""
    for name in archive.namelist():
        if not name.lower().endswith("sharedstrings.xml"):
            continue
        count = 0
        with archive.open(name) as stream:
            for tag, _element in _ends(stream):
                if tag == "si":
                    count += 1
                    if count > MAX_SHARED_STRINGS:
                        raise BoundExceeded(
                            f"the workbook holds more than {MAX_SHARED_STRINGS:,} texts; "
                            f"at most {MAX_SHARED_STRINGS:,} are read"
                        )
