"""Time-ordered identifiers (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then
random bits. Python's uuid module has no uuid7 before 3.14."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, 12-bit sequence) of the last id made by this process


def uuid7() -> uuid.UUID:
    """A UUIDv7; ids made by one process are strictly increasing, even within one millisecond."""
    global _last
    with _lock:
        ms = time.time_ns() // 1_000_000
        last_ms, last_seq = _last
        if ms <= last_ms:
            # Same millisecond (or the wall clock stepped back): count on from the last id.
            ms, seq = (last_ms, last_seq + 1) if last_seq < 0xFFF else (last_ms + 1, 0)
        else:
            seq = 0
        _last = (ms, seq)
    tail = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | tail
    return uuid.UUID(int=value)
