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
