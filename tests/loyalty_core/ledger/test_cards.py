"""Card numbers: EAN-13 shaped with the in-store prefix, unique in the database, drawn again on
a clash; a number the client sends that is taken stays a 409."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loyalty_core.db import make_session_factory
from loyalty_core.errors import Conflict
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Card, Member

TAKEN = "2770000000017"  # prefix 277, nine digits, its check digit
FREE = "2770000000024"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    s = make_session_factory(engine)()
    yield s
    s.close()


def _numbers(*values: str) -> Any:
    """A card-number source that hands out exactly these numbers, in order."""
    queue = iter(values)
    return lambda: next(queue)


def test_generated_numbers_are_ean13_with_the_prefix_and_a_valid_check_digit() -> None:
    for _ in range(500):
        number = ledger.new_card_number()
        assert number.startswith("277") and len(number) == 13 and number.isdigit()
        assert ledger.is_card_number(number)
    assert ledger.is_card_number(TAKEN) and ledger.is_card_number(FREE)
    assert not ledger.is_card_number(TAKEN[:-1] + "5")  # a wrong check digit


def test_a_generated_number_that_clashes_is_drawn_again(session: Session) -> None:
    first = ledger.enroll(session, phone="+79160000101", card_numbers=_numbers(TAKEN))
    session.commit()
    # The second enrolment draws the taken number first: it succeeds with the next one.
    second = ledger.enroll(session, phone="+79160000102", card_numbers=_numbers(TAKEN, FREE))
    session.commit()

    assert [c.number for c in first.cards] == [TAKEN]
    assert [c.number for c in second.cards] == [FREE]
    assert session.scalar(select(Card.member_id).where(Card.number == TAKEN)) == first.id
    assert len(session.scalars(select(Member)).all()) == 2


def test_only_clashes_in_a_row_give_up_and_leave_nothing_half_written(session: Session) -> None:
    ledger.enroll(session, phone="+79160000103", card_numbers=_numbers(TAKEN))
    session.commit()
    with pytest.raises(Conflict, match="no free card number"):
        ledger.enroll(session, phone="+79160000104", card_numbers=_numbers(*[TAKEN] * ledger.CARD_ATTEMPTS))
    session.rollback()
    assert session.scalar(select(Member).where(Member.phone == "+79160000104")) is None


def test_a_card_number_sent_by_the_client_that_is_taken_is_a_conflict(session: Session) -> None:
    holder = ledger.enroll(session, phone="+79160000105", card=TAKEN)
    session.commit()
    with pytest.raises(Conflict) as refused:
        ledger.enroll(session, phone="+79160000106", card=TAKEN)
    assert refused.value.status == 409 and refused.value.field == "card"
    assert f"card {TAKEN} already belongs to a member" in refused.value.detail
    assert refused.value.extra["member_id"] == str(holder.id)
    session.rollback()
    assert session.scalar(select(Member).where(Member.phone == "+79160000106")) is None


@pytest.mark.postgres
def test_postgresql_refuses_a_second_card_with_the_same_number(pg_engine: Engine) -> None:
    from tests.conftest import _truncate_pg

    _truncate_pg(pg_engine)
    session = make_session_factory(pg_engine)()
    try:
        a = ledger.enroll(session, phone="+79160000107", card=TAKEN)
        b = ledger.enroll(session, phone="+79160000108", card=FREE)
        session.commit()
        # Past the service: the unique index itself refuses the duplicate.
        session.add(Card(number=TAKEN, member_id=b.id))
        with pytest.raises(IntegrityError, match="uq_cards_number"):
            session.flush()
        session.rollback()
        assert session.scalars(select(Card.member_id).where(Card.number == TAKEN)).all() == [a.id]
    finally:
        session.close()
