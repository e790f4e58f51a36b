"""Namespace URIs of BPMN 2.0 and its diagram interchange, and the prefixes the writer uses.

Modelers bind these namespaces to any prefix (`bpmn:`, `bpmn2:`, `semantic:`, `model:`, or the
default namespace), so the reader matches elements by URI, never by prefix.
"""

from __future__ import annotations

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"
# The workbench's own attributes (lane kind, a step's IT system, the model variant): modelers keep
# unknown namespaced attributes, so these survive a trip through Camunda Modeler / bpmn.io.
WORKBENCH = "https://loyalty-workbench.example/schema/bpmn/1.0"

# Prefixes the writer prefers; any other namespace keeps the prefix its source file gave it.
PREFERRED_PREFIXES: dict[str, str] = {
    MODEL: "bpmn",
    BPMNDI: "bpmndi",
    DC: "dc",
    DI: "di",
    XSI: "xsi",
    WORKBENCH: "lw",
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://camunda.org/schema/zeebe/1.0": "zeebe",
    "http://camunda.org/schema/modeler/1.0": "modeler",
    "http://bpmn.io/schema/bpmn/biocolor/1.0": "bioc",
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0": "color",
    "http://www.signavio.com": "signavio",
}


def q(namespace: str, local: str) -> str:
    """An element or attribute name in ElementTree's `{uri}local` form."""
    return f"{{{namespace}}}{local}"


def split(name: str) -> tuple[str, str]:
    """(`namespace`, `local`) of a `{uri}local` name; the namespace is "" for a plain name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def local(name: str) -> str:
    """The local part of a `{uri}local` name."""
    return split(name)[1]
