"""Writing ElementTree elements as XML text with chosen namespace prefixes.

The standard serializer picks prefixes from a process-wide registry (`ns0:` for the rest); BPMN
tools expect `bpmn:`/`bpmndi:`/`dc:`/`di:`, and fragments kept from other files should keep the
prefixes their authors chose. `xsi:type` values are kept as `{uri}local` in memory (see safety.py)
and written back as `prefix:local` with the prefix declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element

from process_models.bpmn.names import PREFERRED_PREFIXES, XML, XSI, q, split
from process_models.bpmn.safety import BpmnError, parse_untrusted

_XSI_TYPE = q(XSI, "type")


# Characters XML 1.0 cannot carry at all, even escaped (a control character pasted into a name).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_text(text: str) -> str:
    return _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return (
        _escape_text(value)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _namespaces(root: Element) -> Iterator[str]:
    for element in root.iter():
        namespace, _ = split(element.tag)
        if namespace:
            yield namespace
        for name, value in element.attrib.items():
            namespace, _ = split(name)
            if namespace:
                yield namespace
            if name == _XSI_TYPE and value.startswith("{"):
                yield split(value)[0]


class Prefixes:
    """A namespace -> prefix assignment: preferred names first, then the source's own, then nsN."""

    def __init__(self, hints: dict[str, str] | None = None) -> None:
        # hints: prefix -> namespace, as declared by the files the elements came from.
        self._hints = {prefix: uri for prefix, uri in (hints or {}).items() if prefix}
        self.by_namespace: dict[str, str] = {}

    def prefix(self, namespace: str) -> str:
        """The prefix for a namespace, choosing one the first time it is asked."""
        if namespace == XML:
            return "xml"
        if namespace in self.by_namespace:
            return self.by_namespace[namespace]
        taken = set(self.by_namespace.values()) | {"xml", "xmlns"}
        candidates: list[str] = []
        if namespace in PREFERRED_PREFIXES:
            candidates.append(PREFERRED_PREFIXES[namespace])
        candidates += [p for p, uri in self._hints.items() if uri == namespace]
        chosen = next((c for c in candidates if c not in taken and _reserved_for(c) in ("", namespace)), "")
        n = 1
        while not chosen:
            if f"ns{n}" not in taken and _reserved_for(f"ns{n}") == "":
                chosen = f"ns{n}"
            n += 1
        self.by_namespace[namespace] = chosen
        return chosen

    def name(self, clark: str) -> str:
        """`prefix:local` for a `{uri}local` name (plain names stay plain)."""
        namespace, local = split(clark)
        return f"{self.prefix(namespace)}:{local}" if namespace else local

    def declare_hints(self) -> None:
        """Also declare the source files' prefixes not yet used (attribute values such as
        `structureRef="xsd:string"` refer to them)."""
        for prefix, uri in self._hints.items():
            if (
                uri not in self.by_namespace
                and prefix not in self.by_namespace.values()
                and _reserved_for(prefix) in ("", uri)
                and prefix not in ("xml", "xmlns")
            ):
                self.by_namespace[uri] = prefix


def _reserved_for(prefix: str) -> str:
    for uri, preferred in PREFERRED_PREFIXES.items():
        if preferred == prefix:
            return uri
    return ""


def to_text(
    root: Element,
    *,
    hints: dict[str, str] | None = None,
    indent: str = "  ",
    declaration: bool = True,
    first: Iterable[str] = (),
) -> str:
    """Serialize `root` with every namespace declared on it; `first` namespaces are declared first."""
    prefixes = Prefixes(hints)
    for namespace in first:
        prefixes.prefix(namespace)
    for namespace in _namespaces(root):
        prefixes.prefix(namespace)
    if declaration:
        prefixes.declare_hints()
    declarations = [(f"xmlns:{prefix}", uri) for uri, prefix in prefixes.by_namespace.items()]
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n'] if declaration else []
    _write(root, out, prefixes, indent, 0, declarations)
    if declaration:
        out.append("\n")
    return "".join(out)


def _is_blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _write(
    element: Element,
    out: list[str],
    prefixes: Prefixes,
    indent: str,
    level: int,
    declarations: list[tuple[str, str]],
) -> None:
    attributes = list(declarations)
    for name, value in element.attrib.items():
        if name == _XSI_TYPE and value.startswith("{"):
            value = prefixes.name(value)
        attributes.append((prefixes.name(name), value))
    tag = prefixes.name(element.tag)
    head = "<" + tag + "".join(f' {name}="{_escape_attribute(value)}"' for name, value in attributes)
    children = list(element)
    if not children:
        if element.text:
            out.append(f"{head}>{_escape_text(element.text)}</{tag}>")
        else:
            out.append(head + " />" if indent else head + "/>")
        return
    # Mixed content (text between child elements) is written as it is; otherwise indent.
    mixed = not _is_blank(element.text) or any(not _is_blank(child.tail) for child in children)
    out.append(head + ">")
    if mixed:
        out.append(_escape_text(element.text or ""))
        for child in children:
            _write(child, out, prefixes, "", 0, [])
            out.append(_escape_text(child.tail or ""))
    else:
        for child in children:
            if indent:
                out.append("\n" + indent * (level + 1))
            _write(child, out, prefixes, indent, level + 1, [])
        if indent:
            out.append("\n" + indent * level)
    out.append(f"</{tag}>")


def fragment(element: Element, hints: dict[str, str] | None = None) -> str:
    """A self-contained, compact XML text of one element (kept verbatim in a model's `extra`)."""
    return to_text(element, hints=hints, indent="", declaration=False)


def parse_fragment(text: str, *, where: str) -> tuple[Element, dict[str, str]]:
    """Parse a fragment kept by `fragment` (safely: a stored model is input too)."""
    if not isinstance(text, str):
        raise BpmnError(f"{where}: a kept XML fragment is not text ({type(text).__name__})")
    try:
        parsed = parse_untrusted(text, source=where)
    except BpmnError as exc:
        raise BpmnError(f"a kept XML fragment cannot be read: {exc.reason}", source=where) from None
    return parsed.root, parsed.namespaces
