"""Reading untrusted XML without letting it hurt the machine.

A BPMN file comes from outside (an e-mail, a modeler, a client's repository), so before the reader
sees it: the size is capped before anything is parsed, DTDs are refused (no entity expansion such
as "billion laughs", no external entities that read local files or fetch URLs), nesting depth is
capped, and every failure becomes one `BpmnError` that names the problem and, when known, the
line and column. The parser is defusedxml's hardened expat parser.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from process_models.bpmn.names import XSI, q

MAX_BYTES = 20 * 1024 * 1024
"""Inputs larger than this are refused before parsing (real BPMN files are well under 1 MB)."""

MAX_DEPTH = 256
"""Deeper nesting than this is refused: BPMN needs a few dozen levels, and depth costs recursion."""

_XSI_TYPE = q(XSI, "type")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DECLARATION_STRICT = re.compile(
    rb"<\?xml\s+version\s*=\s*(['\"])1\.\d+\1"
    rb"(\s+encoding\s*=\s*(['\"])[A-Za-z][A-Za-z0-9._-]*\3)?"
    rb"(\s+standalone\s*=\s*(['\"])(yes|no)\5)?\s*\?>"
)
_PSEUDO_ATTRIBUTE = re.compile(rb"\s*([A-Za-z]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_DECLARATION_ORDER = (b"version", b"encoding", b"standalone")


class BpmnError(ValueError):
    """Input that cannot be read as BPMN 2.0, or a model that cannot be written; the message says why."""

    def __init__(
        self, message: str, *, source: str = "", line: int | None = None, column: int | None = None
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.reason = message
        where = ""
        if line is not None:
            where = f" (line {line}" + (f", column {column})" if column is not None else ")")
        super().__init__(f"{source}: {message}{where}" if source else f"{message}{where}")


@dataclass
class ParsedXml:
    """A parsed document: its root element and what the parse learnt about the text."""

    root: Element
    # prefix -> namespace URI, as first declared in the file ("" for a default namespace).
    namespaces: dict[str, str] = field(default_factory=dict)
    # Leniencies applied to the text before parsing (a repaired XML declaration), for the report.
    notes: list[str] = field(default_factory=list)


class _TooDeep(Exception):
    pass


class _Builder:
    """An ElementTree target that also records namespace prefixes, caps depth and resolves xsi:type.

    `xsi:type="bpmn2:tFormalExpression"` names a type through a prefix; ElementTree forgets prefixes,
    so the value is rewritten to `{uri}tFormalExpression` while the prefix is still in scope.
    """

    def __init__(self, max_depth: int) -> None:
        self._tree = TreeBuilder()
        self._max_depth = max_depth
        self._scopes: list[list[tuple[str, str]]] = []
        self._pending: list[tuple[str, str]] = []
        self.namespaces: dict[str, str] = {}

    def start_ns(self, prefix: str, uri: str) -> None:
        self._pending.append((prefix or "", uri))
        self.namespaces.setdefault(prefix or "", uri)

    def end_ns(self, prefix: str) -> None:
        # Scopes are popped with their element in end(); nothing to do per prefix.
        pass

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        if len(self._scopes) >= self._max_depth:
            raise _TooDeep()
        self._scopes.append(self._pending)
        self._pending = []
        value = attrs.get(_XSI_TYPE)
        if value is not None and not value.startswith("{"):
            prefix, _, name = value.rpartition(":")
            uri = self._lookup(prefix)
            if uri:
                attrs = {**attrs, _XSI_TYPE: q(uri, name)}
        return self._tree.start(tag, attrs)

    def end(self, tag: str) -> Element:
        self._scopes.pop()
        return self._tree.end(tag)

    def data(self, text: str) -> None:
        self._tree.data(text)

    def close(self) -> Element:
        return self._tree.close()

    def _lookup(self, prefix: str) -> str:
        for scope in reversed(self._scopes):
            for declared, uri in reversed(scope):
                if declared == prefix:
                    return uri
        return ""


def _to_bytes(data: bytes | str, source: str, max_bytes: int) -> tuple[bytes, bool]:
    if isinstance(data, str):
        # Each character is at least one byte: refuse an oversized text before encoding it.
        if len(data) > max_bytes:
            raise _too_big(len(data), max_bytes, source)
        raw = data.encode("utf-8")
        is_text = True
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        is_text = False
    else:
        raise BpmnError(f"expected BPMN XML as bytes or text, got {type(data).__name__}", source=source)
    if len(raw) > max_bytes:
        raise _too_big(len(raw), max_bytes, source)
    return raw, is_text


def _too_big(size: int, max_bytes: int, source: str) -> BpmnError:
    return BpmnError(
        f"the file is {size:,} bytes, over the {max_bytes:,}-byte ({max_bytes / 1024 / 1024:g} MB) limit "
        "for BPMN files; it was not read",
        source=source,
    )


def _sniff(raw: bytes, source: str) -> None:
    """Refuse at once what is plainly not XML, with a hint about what it looks like."""
    body = raw[len(_UTF8_BOM) :] if raw.startswith(_UTF8_BOM) else raw
    if not body.strip():
        raise BpmnError("the input is empty: no BPMN XML to read", source=source)
    if raw.startswith(_UTF16_BOMS):
        return
    if body.lstrip()[:1] == b"<":
        return
    hint = ""
    if body.startswith(b"PK\x03\x04"):
        hint = " (it looks like a ZIP archive)"
    elif body.startswith(b"\x1f\x8b"):
        hint = " (it looks like a gzip archive)"
    elif body.startswith(b"%PDF"):
        hint = " (it looks like a PDF)"
    elif body.lstrip()[:1] in (b"{", b"["):
        hint = " (it looks like JSON)"
    raise BpmnError(f"not XML: a BPMN file starts with '<'{hint}", source=source, line=1, column=1)


def _declaration(raw: bytes, is_text: bool, source: str, notes: list[str]) -> bytes:
    """Check the XML declaration; repair the common harmless defects, refuse the rest clearly.

    Some hand-made files write `<?xml version="1.0"encoding="UTF-8"?>` (no space between the
    pseudo-attributes), which expat rejects. Its meaning is unambiguous, so the declaration is
    rebuilt and the repair is reported; anything else malformed is refused.
    """
    bom = _UTF8_BOM if raw.startswith(_UTF8_BOM) else b""
    body = raw[len(bom) :]
    stripped = body.lstrip()
    if len(stripped) != len(body) and stripped.startswith(b"<?xml"):
        notes.append("whitespace before the XML declaration was removed")
        body = stripped
    if not re.match(rb"<\?xml[\s?]", body):
        return bom + body
    end = body.find(b"?>", 0, 1024)
    if end < 0:
        raise BpmnError("malformed XML declaration: '<?xml' is not closed by '?>'", source=source, line=1)
    declaration, rest = body[: end + 2], body[end + 2 :]
    strict = _DECLARATION_STRICT.fullmatch(declaration)
    if strict and not (is_text and b"encoding" in declaration):
        return bom + body
    inner = declaration[5:-2]
    found: dict[bytes, bytes] = {}
    position = 0
    for match in _PSEUDO_ATTRIBUTE.finditer(inner):
        if match.start() != position:
            break
        found[match.group(1)] = match.group(2)[1:-1]
        position = match.end()
    leftover = inner[position:].strip()
    names = list(found)
    if (
        leftover
        or not names
        or names[0] != b"version"
        or any(n not in _DECLARATION_ORDER for n in names)
        or len(set(names)) != len(names)
    ):
        shown = declaration.decode("ascii", "replace")
        raise BpmnError(f"malformed XML declaration {shown!r}", source=source, line=1)
    if is_text:
        # Text was encoded to UTF-8 here, whatever encoding the declaration named.
        found.pop(b"encoding", None)
        found[b"encoding"] = b"UTF-8"
    rebuilt = (
        b"<?xml " + b" ".join(n + b'="' + found[n] + b'"' for n in _DECLARATION_ORDER if n in found) + b"?>"
    )
    if not strict:
        notes.append(
            f"malformed XML declaration {declaration.decode('ascii', 'replace')!r} read as "
            f"{rebuilt.decode('ascii')!r}"
        )
    return bom + rebuilt + rest


def parse_untrusted(
    data: bytes | str, *, source: str = "", max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> ParsedXml:
    """Parse XML that may be hostile; raise `BpmnError` (never anything else) for bad input."""
    raw, is_text = _to_bytes(data, source, max_bytes)
    _sniff(raw, source)
    notes: list[str] = []
    raw = _declaration(raw, is_text, source, notes)
    builder = _Builder(max_depth)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat: Any = parser.parser

    def where() -> tuple[int | None, int | None]:
        try:
            return int(expat.CurrentLineNumber), int(expat.CurrentColumnNumber) + 1
        except (AttributeError, ValueError):  # the expat object is gone after a failed close()
            return None, None

    try:
        parser.feed(raw)
        root = parser.close()
    except DTDForbidden as exc:
        line, column = where()
        raise BpmnError(
            f"the file declares a DTD (<!DOCTYPE {exc.name}>); BPMN files need none, and DTDs are refused "
            "because entity declarations can expand without bound or read local files",
            source=source,
            line=line,
            column=column,
        ) from None
    except EntitiesForbidden as exc:
        line, column = where()
        raise BpmnError(
            f"entity declaration {exc.name!r} refused: entities are not allowed",
            source=source,
            line=line,
            column=column,
        ) from None
    except ExternalReferenceForbidden as exc:
        line, column = where()
        raise BpmnError(
            f"external reference {exc.sysid!r} refused: nothing outside the file is read",
            source=source,
            line=line,
            column=column,
        ) from None
    except _TooDeep:
        line, column = where()
        raise BpmnError(
            f"elements are nested more than {max_depth} levels deep", source=source, line=line, column=column
        ) from None
    except ParseError as exc:
        code = getattr(exc, "code", None)
        text = xml.parsers.expat.ErrorString(code) if isinstance(code, int) else str(exc)
        line, column = exc.position if getattr(exc, "position", None) else (None, None)
        raise BpmnError(
            f"not well-formed XML: {text}",
            source=source,
            line=line,
            column=None if column is None else column + 1,
        ) from None
    except (ValueError, LookupError, UnicodeError, RecursionError, MemoryError) as exc:
        # expat reports some encoding problems as plain Python errors; they are still bad input.
        raise BpmnError(f"could not read the XML: {exc}", source=source) from None
    return ParsedXml(root, builder.namespaces, notes)
