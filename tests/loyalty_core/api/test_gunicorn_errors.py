"""gunicorn's own refusals reach a till as problem+json, like every other error of the API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.loyalty_core.live.server import seed_database, serve


def test_a_url_too_long_for_gunicorn_is_a_414_problem(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    key = seed_database(url)
    with serve(url) as server:
        request = urllib.request.Request(
            f"{server.url}/api/v1/members?card={'7' * 5000}", headers={"Authorization": f"Bearer {key}"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 414
    assert refused.value.headers["Content-Type"] == "application/problem+json"
    problem = json.loads(refused.value.read())
    assert problem["status"] == 414 and problem["title"] == "URI Too Long" and problem["detail"]
