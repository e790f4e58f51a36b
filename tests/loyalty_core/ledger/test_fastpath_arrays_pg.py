"""The fast path's text arrays (SKUs, categories) reach PostgreSQL exactly as the till sent them.

They travel as array literals, escaped in Python (ledger.fastpath.texts); PostgreSQL must read
back every list of texts a till may send: quotes, backslashes, commas, braces, blanks, the word
NULL, Cyrillic, emoji (everything but NUL, which the API refuses).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine

from loyalty_core.ledger.fastpath import texts

till_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=64)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(till_text | st.sampled_from(["NULL", "", " ", '"', "\\", "{a,b}", "Молоко 3,2%"])))
def test_every_list_of_texts_reads_back_unchanged(pg_engine: Engine, values: list[str]) -> None:
    with pg_engine.connect() as conn:
        stored = conn.execute(text("SELECT CAST(:values AS text[])"), {"values": texts(values)}).scalar_one()
    assert stored == values
