"""Gamma-Gamma: what a customer's next orders are likely to be worth (Fader, Hardie & Lee 2005b).

Each customer's order values are Gamma(p, nu) around their own mean, and nu varies across customers as
Gamma(q, v). The model only learns from customers with repeat purchases and a positive average spend;
it shrinks a customer's observed average towards the shop-wide mean, the less so the more orders they
made. Like :mod:`tools.behaviour.bgnbd`, fitting never raises: thin data give ``is_usable=False`` and a warning.
Money is rescaled to mean 1 before fitting so the default penalty means the same in cents or dollars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from tools.behaviour.bgnbd import DEFAULT_PENALTY, MIN_CUSTOMERS, FitStatus, minimise_with_restarts


@dataclass(frozen=True)
class GammaGammaFit(FitStatus):
    """Fitted Gamma-Gamma parameters (``v`` in money units); NaN and a warning when unusable."""

    p: float
    q: float
    v: float


def _unusable(reason: str, n_customers: int, penalty: float) -> GammaGammaFit:
    nan = float("nan")
    return GammaGammaFit(nan, nan, nan, log_likelihood=nan, converged=False, is_usable=False, warning=reason,
                         n_customers=n_customers, penalty=penalty)


def gamma_gamma_log_likelihood(params: ArrayLike, x: NDArray, m: NDArray,
                               with_gradient: bool = False) -> tuple[NDArray, NDArray | None]:
    """Per-customer log-likelihood of the average order value ``m`` over ``x`` orders, and its gradient."""
    p, q, v = (float(value) for value in params)
    px = p * x
    log_total = np.log(v + m * x)
    loglik = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
              + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_total)
    if not with_gradient:
        return loglik, None
    psi = special.digamma
    d_p = x * (psi(px + q) - psi(px) + np.log(m) + np.log(x) - log_total)
    d_q = psi(px + q) - psi(q) + np.log(v) - log_total
    d_v = q / v - (px + q) / (v + m * x)
    return loglik, np.stack([d_p, d_q, d_v], axis=1)


def fit_gamma_gamma(frequency: ArrayLike, monetary_value: ArrayLike,
                    penalty: float = DEFAULT_PENALTY) -> GammaGammaFit:
    """Fit Gamma-Gamma on the customers with ``frequency`` > 0 and ``monetary_value`` > 0.

    ``frequency`` is the number of purchases averaged in ``monetary_value`` (FHL use repeat purchases and
    their average value); other customers are ignored, so whole-shop arrays can be passed unchanged.
    ``penalty`` adds ``penalty * sum(log(param)**2)`` (money rescaled to mean 1) to the negative
    log-likelihood; 0 gives plain maximum likelihood. Always returns; check ``is_usable``.
    """
    x, m = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (frequency, monetary_value))
    if x.shape != m.shape:
        raise ValueError("frequency and monetary_value must have the same length")
    keep = np.isfinite(x) & np.isfinite(m) & (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < MIN_CUSTOMERS:
        return _unusable(f"The spend model needs at least {MIN_CUSTOMERS} repeat customers with positive "
                         f"spend; there are {len(x)}.", len(x), penalty)
    scale = float(np.mean(m))
    ms = m / scale

    def objective(theta: NDArray) -> tuple[float, NDArray]:
        loglik, grad = gamma_gamma_log_likelihood(np.exp(theta), x, ms, with_gradient=True)
        value = -loglik.sum() + penalty * theta @ theta
        return value / len(x), (-grad.sum(axis=0) * np.exp(theta) + 2 * penalty * theta) / len(x)

    theta, converged, note = minimise_with_restarts(objective, _starting_points(x, ms))
    if theta is None:
        return _unusable(f"The spend model could not be fitted ({note}).", len(x), penalty)
    p, q, v_scaled = np.exp(theta)
    params = (float(p), float(q), float(v_scaled * scale))
    loglik = float(gamma_gamma_log_likelihood(params, x, m)[0].sum())
    notes = [note.replace("purchase model", "spend model")] if note else []
    if q <= 1:
        notes.append("Order values vary so much between customers that the shop-wide average order value is "
                      "not well defined (q <= 1); expected order values lean on each customer's own average.")
    return GammaGammaFit(*params, log_likelihood=loglik, converged=converged, is_usable=True,
                         warning=" ".join(notes), n_customers=len(x), penalty=penalty)


def _starting_points(x: NDArray, m: NDArray) -> list[NDArray]:
    """Starts from a method-of-moments guess and from shapes seen on real shops (CDNOW: 6, 4, 15)."""
    cv2 = float(np.var(m) / np.mean(m) ** 2) if len(m) > 1 else 1.0
    q0 = 2.0 + 1.0 / max(cv2, 0.05)
    starts = [(1.0, q0, q0 - 1.0), (6.0, 4.0, 3.0), (1.0, 1.5, 1.0)]
    return [np.log(np.asarray(s)) for s in starts]


def expected_order_value(fit: GammaGammaFit, x: ArrayLike, m: ArrayLike) -> NDArray:
    """Expected value of a customer's future orders, in the money unit of ``m``.

    A weighted average of the shop-wide mean and the customer's own average ``m`` over ``x`` purchases;
    customers with x = 0 get the shop-wide mean. When the fit is unusable (or the shop-wide mean is not
    defined, q <= 1) the customer's own ``m`` is returned unchanged (NaN where x = 0), so callers get a
    number wherever there is evidence.
    """
    x, m = (np.asarray(c, dtype=float) for c in np.broadcast_arrays(x, m))
    if not fit.is_usable:
        return np.where(x > 0, m, np.nan)
    x = np.maximum(x, 0.0)
    m = np.where(x > 0, m, 0.0)
    denominator = fit.p * x + fit.q - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        shrunk = fit.p * (fit.v + m * x) / denominator
    # q <= 1: the shop-wide mean is infinite, so only a customer's own purchases say anything
    return np.where(denominator > 0, shrunk, np.where(x > 0, m, np.nan))
