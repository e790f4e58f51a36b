"""BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"), fitted by maximum
likelihood.

While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
they drop out with probability p ~ Beta(a, b). Per customer the data are (x, t_x, T) in weeks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

Array = npt.NDArray[np.float64]
LOG_BOUNDS = (-12.0, 12.0)  # parameters between e^-12 and e^12


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def log_likelihood(params: BGNBDParams, x: Array, t_x: Array, T: Array) -> Array:
    """Each customer's log-likelihood (the paper's equation 6, in logs for stability):

    L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + [x > 0] · B(a+1, b+x-1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    survived = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    # Only customers with a repeat purchase can have dropped out after their last one.
    has_repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    xr = x[has_repeat]
    dropped[has_repeat] = betaln(a + 1, b + xr - 1) - (r + xr) * np.log(alpha + t_x[has_repeat])
    return common + np.logaddexp(survived, dropped)


def fit(x: Array, t_x: Array, T: Array) -> BGNBDParams:
    """Maximum-likelihood parameters. Optimised over the logs of the parameters (all must be
    positive) with L-BFGS-B from a neutral start; customers with identical (x, t_x, T) are
    weighted once, which makes large ledgers (many identical one-off buyers) cheap."""
    keys = np.stack([x, t_x, T], axis=1)
    unique, counts = np.unique(keys, axis=0, return_counts=True)
    ux, ut, uT = unique[:, 0], unique[:, 1], unique[:, 2]
    weights = counts.astype(np.float64)

    def negative(log_params: Array) -> float:
        params = BGNBDParams(*np.exp(log_params))
        with np.errstate(all="ignore"):
            value = float(-(weights * log_likelihood(params, ux, ut, uT)).sum() / weights.sum())
        return value if np.isfinite(value) else 1e300

    # Bounded: a base where nobody has dropped out yet drives b towards infinity; the bound
    # (e^12) stops it there, which predicts the same as the limit.
    result = minimize(
        negative,
        np.zeros(4),
        method="L-BFGS-B",
        bounds=[LOG_BOUNDS] * 4,
        options={"maxiter": 2000, "gtol": 1e-10, "ftol": 1e-14},
    )
    if not np.isfinite(result.fun) or result.fun >= 1e300:
        raise ValueError("the BG/NBD fit did not converge: too few repeat purchases to estimate the model")
    return BGNBDParams(*(float(v) for v in np.exp(result.x)))


def probability_alive(params: BGNBDParams, x: Array, t_x: Array, T: Array) -> Array:
    """P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    odds = np.where(
        x > 0, a / np.maximum(b + x - 1, 1e-300) * np.exp((r + x) * np.log((alpha + T) / (alpha + t_x))), 0.0
    )
    return 1.0 / (1.0 + odds)


def conditional_expected_purchases(
    params: BGNBDParams, t: float | Array, x: Array, t_x: Array, T: Array
) -> Array:
    """Expected purchases in the next `t` weeks given the history (the paper's equation 10):

    E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
        · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
        · P(alive | x, t_x, T)
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    horizon = alpha + T + t
    with np.errstate(all="ignore"):
        hyper = hyp2f1(r + x, b + x, a + b + x - 1, t / horizon)
        bracket = 1.0 - np.exp((r + x) * np.log((alpha + T) / horizon)) * hyper
        expected = (a + b + x - 1) / (a - 1) * bracket
    alive = probability_alive(params, x, t_x, T)
    # A base with no dropout and no spread of rates fits extreme parameters at which 2F1 cannot
    # be evaluated; there the model is the Poisson limit: the posterior rate (r+x)/(α+T) for t.
    poisson = (r + x) / (alpha + T) * t
    return np.where(np.isfinite(expected) & (expected >= 0), expected, poisson) * alive


def expected_purchases_per_week(params: BGNBDParams, weeks: int, x: Array, t_x: Array, T: Array) -> Array:
    """Expected purchases of the whole base in each of the next `weeks` weeks (for the chart):
    the differences of the summed conditional expectation at 0, 1, ..., weeks."""
    cumulative = np.array(
        [conditional_expected_purchases(params, float(w), x, t_x, T).sum() for w in range(weeks + 1)]
    )
    return np.diff(cumulative)
