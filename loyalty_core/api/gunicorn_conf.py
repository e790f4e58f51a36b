"""gunicorn settings for serving the POS API: `gunicorn -c python:loyalty_core.api.gunicorn_conf ...`.

gunicorn answers a request it cannot parse (a URL over 4094 bytes: 414, too many header bytes:
431, a malformed request line: 400) itself, before any application code runs, with an HTML
page. A till's client expects application/problem+json for every error, so those answers are
written as RFC 9457 problem documents instead. Loading this module (in gunicorn's master,
before it forks its workers) does that for every worker.
"""

from __future__ import annotations

import json
import socket

from gunicorn import util

PROBLEM_TYPE = "https://loyalty.example/problems/http-{status}"


def write_problem(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for gunicorn.util.write_error: the same answer as a problem+json document."""
    problem = {
        "type": PROBLEM_TYPE.format(status=status_int),
        "title": reason,
        "status": status_int,
        "detail": mesg,
    }
    body = json.dumps(problem).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


# gunicorn has no setting or hook for its error pages; its workers call util.write_error.
util.write_error = write_problem  # type: ignore[assignment]
