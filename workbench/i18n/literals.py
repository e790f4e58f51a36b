"""Find the English a template shows outside `_()` / `{% trans %}`: text between tags and the
human-read attributes (title, placeholder, aria-label, alt). The template literal test fails on
each one; proper names and code are allowed by `ALLOWED`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Words a Russian page may show as they are: product and format names, codes.
ALLOWED = frozenset(
    {
        "AS-IS",
        "TO-BE",
        "AS",
        "IS",
        "TO",
        "BE",
        "BPMN",
        "DOCX",
        "XLSX",
        "CSV",
        "XML",
        "YAML",
        "JSON",
        "PDF",
        "SVG",
        "ID",
        "IT",
        "POS",
        "API",
        "SHA",
        "sha256",
        "Gherkin",
        "behave",
        "MoSCoW",
        "English",
        "XOR",
        "AND",
        "OR",
        "Camunda",
        "Modeler",
        "bpmn.io",
        "v1",
        "v2",
        "OK",
        "REQ",
        "REQ-",
        "MOD",
        "MOD-",
        "SHA-256",
        "RU",
        "EN",
        "R001",
        "R002",
        "R003",
        "W001",
        "W002",  # a hash's name, languages, store codes
    }
)
_JINJA = re.compile(
    r"{%-?\s*raw\s*-?%}.*?{%-?\s*endraw\s*-?%}|{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}|{{.*?}}|{%.*?%}|{#.*?#}",
    re.S,
)
_SKIPPED_ELEMENTS = re.compile(
    r"<(script|style|code|pre|kbd)\b.*?</\1>", re.S | re.I
)  # code is not translated
_TAG = re.compile(r"<[^>]*>", re.S)
_READ_ATTRIBUTES = re.compile(r'\b(title|placeholder|aria-label|alt)="([^"]*)"')
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z]")
MASK = "\x00"


@dataclass(frozen=True)
class Literal:
    line: int
    text: str
    start: int  # offset of `text` in the template source
    end: int


def _masked(source: str) -> str:
    """`source` with every Jinja construct (and script, style and code elements) replaced by MASK,
    same length."""
    masked = _JINJA.sub(lambda m: MASK * len(m.group()), source)
    return _SKIPPED_ELEMENTS.sub(lambda m: MASK * len(m.group()), masked)


def english_words(text: str) -> list[str]:
    """The Latin-script words of `text` that are not in ALLOWED."""
    return [w for w in _WORD.findall(text) if w not in ALLOWED and w.strip(".-") not in ALLOWED]


def literals(source: str) -> Iterator[Literal]:
    """Each run of template text (between tags and Jinja, or inside a read attribute) that holds
    a word to translate. `text` is trimmed to start at its first letter and end at its last
    non-space character, so a caller can wrap exactly it."""
    masked = _masked(source)
    pieces: list[tuple[int, int]] = []
    position = 0
    for tag in _TAG.finditer(masked):
        pieces.append((position, tag.start()))
        for attribute in _READ_ATTRIBUTES.finditer(tag.group()):
            start = tag.start() + attribute.start(2)
            pieces.append((start, start + len(attribute.group(2))))
        position = tag.end()
    pieces.append((position, len(masked)))
    for start, end in pieces:
        for run in re.finditer(rf"[^{MASK}]+", masked[start:end]):
            text = run.group()
            first = re.search(r"[A-Za-z]", text)
            if first is None or not english_words(text):
                continue
            core = text[first.start() :].rstrip()
            at = start + run.start() + first.start()
            yield Literal(source.count("\n", 0, at) + 1, core, at, at + len(core))
