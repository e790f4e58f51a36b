"""api.request_limits: gunicorn's request-line and header limits, kept by the app itself."""

from __future__ import annotations

from ..conftest import Core

API = "/api/v1"


def test_requests_past_gunicorns_limits_are_problems_and_those_within_pass(core: Core) -> None:
    # "GET " + target + " HTTP/1.1" is the request line: 4,094 bytes pass, one more is a 414.
    target_room = 4094 - len("GET  HTTP/1.1")
    path = f"{API}/members?card="
    at_limit = core.client.get(path + "7" * (target_room - len(path)), headers=core.headers())
    assert at_limit.status_code == 404  # the API's answer: no member has that card
    over = core.client.get(path + "7" * (target_room - len(path) + 1), headers=core.headers())
    assert (over.status_code, over.mimetype) == (414, "application/problem+json")
    assert over.get_json()["title"] == "URI Too Long"

    # "X-Note: " + value is the header line: 8,190 bytes pass, one more is a 431.
    room = 8190 - len("X-Note: ")
    fits = core.client.get(f"{API}/members?card=1234", headers={**core.headers(), "X-Note": "a" * room})
    assert fits.status_code == 404
    big = core.client.get(f"{API}/members?card=1234", headers={**core.headers(), "X-Note": "a" * (room + 1)})
    assert (big.status_code, big.mimetype) == (431, "application/problem+json")
    assert big.get_json()["detail"] == "the header X-Note is 8191 bytes; the limit is 8190"

    many = {f"X-Field-{n}": "1" for n in range(101)}
    crowded = core.client.get(f"{API}/members?card=1234", headers={**core.headers(), **many})
    assert crowded.status_code == 431
    assert "header fields; the limit is 100" in crowded.get_json()["detail"]
