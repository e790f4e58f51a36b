"""Under granian, the POS's default server, a till still meets gunicorn's request limits.

granian hands an over-long request line or header to the app; api.request_limits refuses them
as gunicorn does (tests/loyalty_core/api/test_gunicorn_errors.py), as problem+json.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.loyalty_core.live.server import seed_database, serve


def _refusal(request: urllib.request.Request) -> tuple[int, str, dict[str, Any]]:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    return refused.value.code, refused.value.headers["Content-Type"], json.loads(refused.value.read())


def test_granian_refuses_an_overlong_url_and_header_as_problems(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    key = seed_database(url)
    auth = {"Authorization": f"Bearer {key}"}
    with serve(url, server="granian") as server:
        api = f"{server.url}/api/v1"
        long_url = urllib.request.Request(f"{api}/members?card={'7' * 5000}", headers=auth)
        status, content_type, problem = _refusal(long_url)
        assert (status, content_type, problem["title"]) == (414, "application/problem+json", "URI Too Long")
        assert problem["detail"].endswith("the limit is 4094")

        big_header = urllib.request.Request(
            f"{api}/members?card=1234", headers={**auth, "X-Note": "a" * 9000}
        )
        status, content_type, problem = _refusal(big_header)
        assert (status, content_type) == (431, "application/problem+json")
        assert problem["title"] == "Request Header Fields Too Large"
        assert "X-Note" in problem["detail"]

        # Within the limits, the request reaches the API (an unknown card).
        found = urllib.request.Request(f"{api}/members?card={'7' * 20}", headers=auth)
        status, content_type, problem = _refusal(found)
        assert (status, problem["field"]) == (404, "card")
