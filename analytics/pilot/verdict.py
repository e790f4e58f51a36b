"""What a pilot's effect on a KPI says, in one of four plain statements."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and scipy load only when an effect is computed
    from analytics.pilot.did import Effect

DEFAULT_MATERIAL = 0.03  # the smallest lift worth acting on, unless the plan says otherwise


class Finding(str, Enum):
    lift = "lift"  # the interval is above 0
    drop = "drop"  # the interval is below 0
    no_effect = "no_effect"  # covers 0, and the design could have seen an effect that matters
    underpowered = "underpowered"  # covers 0, and the design cannot see an effect that matters


@dataclass(frozen=True)
class Verdict:
    effect: Effect
    material: float
    finding: Finding

    def sentence(self) -> str:
        """The statement in English (the workbench's pages translate their own wording)."""
        e = self.effect
        interval = f"{e.lift:+.1%} ({e.level:.0%} interval {e.low:+.1%} to {e.high:+.1%})"
        stores = f"{e.pilot_stores} pilot and {e.control_stores} control stores"
        if self.finding is Finding.lift:
            return f"{e.metric}: the pilot raised it by {interval}."
        if self.finding is Finding.drop:
            return f"{e.metric}: the pilot lowered it by {interval}."
        if self.finding is Finding.no_effect:
            return f"{e.metric}: no effect shown, {interval}; {stores} would have shown {e.mde:.1%} or more."
        return (
            f"{e.metric}: {stores} cannot show an effect of the size that matters ({self.material:.1%}): "
            f"the smallest detectable is {e.mde:.1%}. Measured {interval}. Add stores or weeks."
        )


def judge(effect: Effect, material: float = DEFAULT_MATERIAL) -> Verdict:
    if effect.low > 0:
        finding = Finding.lift
    elif effect.high < 0:
        finding = Finding.drop
    else:
        finding = Finding.underpowered if effect.mde > material else Finding.no_effect
    return Verdict(effect, material, finding)
