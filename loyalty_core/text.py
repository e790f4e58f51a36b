"""Text the core refuses before it reaches the database.

PostgreSQL's text types cannot hold the NUL character (U+0000): a NUL in a name, a SKU, a
receipt number or a look-up would fail deep in the driver as a 500. The API refuses it up
front as a 400 naming the field, for request bodies and query parameters alike.
"""

from __future__ import annotations

NUL = "\x00"
NUL_MESSAGE = "must not contain the NUL character (U+0000)"
# JSON Schema for "a string without NUL": composes with any `pattern` the field already has.
NUL_FREE_SCHEMA = {"not": {"pattern": "\\x00"}}


def refuse_nul(value: str) -> str:
    """`value` unchanged, or ValueError when it holds a NUL."""
    if NUL in value:
        raise ValueError(NUL_MESSAGE)
    return value


# What the API strips from the ends of text, and what "blank" means: every character Python's
# str.isspace() and JavaScript's \s (the OpenAPI document's regex dialect) call whitespace, so
# the document and the parser agree on which strings are blank.
BLANK = (
    "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000\ufeff")
)
# The blank characters as a regex class body, spelled out (no \\s: engines differ on it).
BLANK_CLASS = (
    "\\t\\n\\v\\f\\r \\u001c-\\u001f\\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
# A regex for "has a character that is not blank".
NOT_BLANK_PATTERN = f"[^{BLANK_CLASS}]"
