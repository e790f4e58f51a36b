"""The guardrail the rollout gate reads: "no KPI worse than −X% at 90% confidence".

Per KPI, with the one-sided bounds of its lift at the plan's confidence:
- breached:     the upper bound is below −X% (the KPI is worse than −X%, with that confidence);
- passed:       the lower bound is at or above −X% (it is not worse than −X%, with that confidence);
- inconclusive: the interval straddles −X% (too few stores or too short a pilot to say).
The gate passes when nothing is breached; whether "inconclusive" blocks is the plan's choice
(`block_inconclusive`), because with 5 stores a strict gate may never open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and scipy load only when an effect is computed
    from analytics.pilot.did import Effect

DEFAULT_THRESHOLD = 0.05
DEFAULT_CONFIDENCE = 0.90


class Status(str, Enum):
    passed = "passed"
    inconclusive = "inconclusive"
    breached = "breached"


@dataclass(frozen=True)
class GuardrailCheck:
    metric: str
    threshold: float  # X as a fraction: 0.05 means "no worse than −5%"
    confidence: float
    lower: float
    upper: float
    status: Status


@dataclass(frozen=True)
class GuardrailResult:
    checks: list[GuardrailCheck]
    block_inconclusive: bool

    @property
    def passed(self) -> bool:
        blocking = {Status.breached} | ({Status.inconclusive} if self.block_inconclusive else set())
        return not any(check.status in blocking for check in self.checks)


def check_guardrails(
    effects: Iterable[Effect],
    thresholds: Mapping[str, float] | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
    block_inconclusive: bool = False,
) -> GuardrailResult:
    """Each effect against its threshold (`thresholds[metric]`, else 5%)."""
    checks = []
    for effect in effects:
        limit = (thresholds or {}).get(effect.metric, DEFAULT_THRESHOLD)
        lower, upper = effect.bound(confidence, "lower"), effect.bound(confidence, "upper")
        status = (
            Status.breached if upper < -limit else Status.passed if lower >= -limit else Status.inconclusive
        )
        checks.append(GuardrailCheck(effect.metric, limit, confidence, lower, upper, status))
    return GuardrailResult(checks, block_inconclusive)
