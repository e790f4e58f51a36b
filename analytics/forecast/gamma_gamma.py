"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"), fitted by maximum likelihood.

A customer's purchase values are Gamma(p, ν) around their own mean; ν ~ Gamma(q, γ) across
customers. Only customers with at least one repeat purchase (x > 0) inform the fit, with m_x
the mean value of those purchases. Spend is independent of frequency by assumption.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import gammaln

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def log_likelihood(params: GammaGammaParams, x: Array, m_x: Array) -> Array:
    """Each customer's log-likelihood of the mean m_x of x purchases (up to a term free of the
    parameters): lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln m_x + px ln x - (px+q) ln(γ + x m_x)."""
    p, q, g = params.p, params.q, params.gamma
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(g)
        + (p * x - 1) * np.log(m_x)
        + p * x * np.log(x)
        - (p * x + q) * np.log(g + x * m_x)
    )


def fit(x: Array, m_x: Array) -> GammaGammaParams:
    """Maximum-likelihood (p, q, γ) over the customers with x > 0 and a positive mean spend."""
    keep = (x > 0) & (m_x > 0)
    if keep.sum() < 3:
        raise ValueError("the spend model needs at least 3 customers with a repeat purchase")
    xs, ms = x[keep], m_x[keep]

    def negative(log_params: Array) -> float:
        with np.errstate(all="ignore"):
            value = float(-log_likelihood(GammaGammaParams(*np.exp(log_params)), xs, ms).mean())
        return value if np.isfinite(value) else 1e300

    result = minimize(
        negative, np.zeros(3), method="L-BFGS-B", bounds=[(-12.0, 12.0)] * 3, options={"maxiter": 2000}
    )
    return GammaGammaParams(*(float(v) for v in np.exp(result.x)))


def expected_average_value(params: GammaGammaParams, x: Array, m_x: Array) -> Array:
    """E[M | x, m_x] = p (γ + x m_x) / (p x + q - 1): the population mean p γ/(q-1) shrunk
    towards the customer's own mean as x grows (x = 0 gives the population mean)."""
    p, q, g = params.p, params.q, params.gamma
    return p * (g + x * m_x) / (p * x + q - 1)
