"""The in-app inbox: every notification is kept here, whether or not it was also emailed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db


class InboxMessage(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "inbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(80), index=True)  # a username
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
