"""`workbench capabilities [--json]`: the catalogue as a consultant reads it and as tools load it."""

from __future__ import annotations

import json

from flask import Flask

from loyalty_core.capabilities import catalogue, to_json


def test_json_prints_the_whole_catalogue(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["capabilities", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records == to_json(catalogue())
    by_code = {r["code"]: r for r in records}
    assert by_code["earn.category_rates"]["config_keys"] == ["earn.category_rates"]
    assert by_code["earn.category_rates"]["title_ru"] == "Начисление по категориям товаров"
    assert by_code["pos.enrol"]["kind"] == "standard" and by_code["pos.enrol"]["config_keys"] == []
    assert "Начисление" in result.stdout  # Russian stays readable, not \u-escaped


def test_the_table_lists_code_kind_keys_and_title(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["capabilities"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "kind", "keys", "title"]
    assert len(lines) == 1 + len(catalogue())
    birthday = next(line for line in lines if line.startswith("condition.birthday "))
    assert "configuration" in birthday and "promotions[].conditions.birthday_window_days" in birthday
    assert "Birthday promotion" in birthday
    enrol = next(line for line in lines if line.startswith("pos.enrol "))
    assert " standard " in enrol and " - " in enrol
    assert f"{len(catalogue())} capabilities" in result.stderr
