"""The README's configuration example is a valid configuration (the documentation cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

from loyalty_core.config.service import read_text

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_complete_configuration_example_validates() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text("utf-8"), re.S)
    assert blocks, "the README shows a configuration example"
    _, config = read_text(blocks[0], source="README")
    kinds = {p.kind.value for p in config.promotions}
    assert kinds == {"multiplier", "extra_points", "category_rate"}
    assert config.expiry_days and config.returns.window_days and config.tiers
