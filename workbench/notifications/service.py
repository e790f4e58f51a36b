"""Notifications: every message lands in the recipient's in-app inbox (which always works), and
is emailed over SMTP when MAIL_SERVER is set and the recipient has an address.

Both are plain functions on a session so a background job can call `deliver_pending` later
(the huey runner); today the edges call it right after the commit that created the messages.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loyalty_core.db import utcnow
from workbench.auth.models import User
from workbench.notifications.models import InboxMessage

log = logging.getLogger(__name__)


def notify(
    session: Session, recipients: Iterable[str], subject: str, body: str, *, link: str = ""
) -> list[InboxMessage]:
    """Put a message in each recipient's inbox (the caller commits)."""
    messages = [
        InboxMessage(recipient=r, subject=subject[:300], body=body, link=link[:500])
        for r in dict.fromkeys(recipients)
    ]
    session.add_all(messages)
    session.flush()
    return messages


def inbox(session: Session, username: str, limit: int = 100) -> list[InboxMessage]:
    return list(
        session.scalars(
            select(InboxMessage)
            .where(InboxMessage.recipient == username)
            .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
            .limit(limit)
        )
    )


def unread_count(session: Session, username: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(InboxMessage.recipient == username, InboxMessage.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, username: str) -> None:
    for message in session.scalars(
        select(InboxMessage).where(InboxMessage.recipient == username, InboxMessage.read_at.is_(None))
    ):
        message.read_at = utcnow()
    session.flush()


def deliver_pending(session: Session, config: Mapping[str, Any]) -> int:
    """Email every inbox message not emailed yet whose recipient has an address, when
    `config["MAIL_SERVER"]` is set; how many were sent. A message that fails stays pending (and in
    the inbox): the next delivery tries again. The caller commits."""
    server = config.get("MAIL_SERVER")
    if not server:
        return 0
    pending = session.execute(
        select(InboxMessage, User.email)
        .join(User, User.username == InboxMessage.recipient)
        .where(InboxMessage.emailed.is_(False), User.email.is_not(None), User.email != "")
        .order_by(InboxMessage.id)
    ).all()
    if not pending:
        return 0
    sent = 0
    with smtplib.SMTP(str(server), int(config.get("MAIL_PORT") or 25), timeout=10) as smtp:
        for message, address in pending:
            mail = EmailMessage()
            mail["From"] = str(config.get("MAIL_SENDER") or "workbench@localhost")
            mail["To"] = address
            mail["Subject"] = message.subject
            mail.set_content(f"{message.body}\n\n{message.link}".strip())
            smtp.send_message(mail)
            message.emailed = True
            sent += 1
    session.flush()
    return sent


def deliver_quietly(session: Session, config: Mapping[str, Any]) -> int:
    """`deliver_pending` and commit, for the edges after their own commit: a mail server that is
    down is logged, never turned into an error of a decision already recorded (the inbox has it)."""
    try:
        sent = deliver_pending(session, config)
        session.commit()
        return sent
    except (OSError, smtplib.SMTPException) as error:
        session.rollback()
        log.warning("notification mail not sent (kept in the inbox): %s", error)
        return 0
