"""schemathesis against the live POS API: every operation, every check, 0 failures.

The OpenAPI document is generated from the same models that parse the requests; this run holds
the served API to it from outside, as a POS integrator's generated client would: gunicorn (with
the API's gunicorn settings) on a free port, a real SQLite database, a store key, a member with
a purchase for the operations that need existing ids. Bounded and reproducible: a fixed seed,
a bounded number of examples per operation, no example database carried between runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from tests.loyalty_core.live.server import seed_database, serve

HERE = Path(__file__).resolve().parent
CONFIG = HERE.parent / "live" / "schemathesis.toml"
SEED = 20261204
MAX_EXAMPLES = 15


def _post(url: str, key: str, body: dict[str, Any], idem: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if idem:
        headers["Idempotency-Key"] = idem
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


def test_the_served_api_keeps_its_openapi_document(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'fuzz.db'}"
    key = seed_database(database)
    # The look-up limit is the subject of its own test; here it would only turn look-ups into 429s.
    with serve(
        database, env={"POS_PHONE_LOOKUPS_PER_MINUTE": "1000000"}, log=tmp_path / "gunicorn.log"
    ) as server:
        api = f"{server.url}/api/v1"
        member = _post(f"{api}/members", key, {"phone": "+7 916 555-00-77", "name": "Fuzz"})
        line = {"sku": "MILK", "category": "dairy", "quantity": "5", "amount": "500.00"}
        purchase = _post(
            f"{api}/purchases", key, {"member_id": member["id"], "lines": [line]}, idem="fuzz-seed"
        )
        config = tmp_path / "schemathesis.toml"
        config.write_text(
            CONFIG.read_text() + f'\n[parameters]\n"path.member_id" = "{member["id"]}"\n"path.purchase_id" = '
            f'"{purchase["id"]}"\n'
        )
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(config),
                "run",
                f"{api}/openapi.json",
                "--url",
                api,
                "--header",
                f"Authorization: Bearer {key}",
                "--checks",
                "all",
                "--seed",
                str(SEED),
                "--max-examples",
                str(MAX_EXAMPLES),
                "--generation-database",
                "none",
                "--workers",
                "1",
                "--request-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=tmp_path,
        )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-12000:]
    assert "7 operations" in report or "Tested: 7" in report, report[-3000:]
