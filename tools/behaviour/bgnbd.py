"""BG/NBD: who is still buying, and how much will they buy (Fader, Hardie & Lee 2005).

Pure functions over per-customer arrays — ``x`` repeat purchases, ``t_x`` time of the last purchase
since the first, ``T`` time since the first purchase — in any one time unit. Fitting never raises on
thin or odd data: it returns a :class:`BgNbdFit` with ``is_usable=False`` and a sentence in ``warning``
that the caller can show, because a shop with six customers must still get an answer.

Numerics: the likelihood is evaluated in log space (gammaln, betaln, logaddexp) and optimised over
log-parameters with an analytic gradient. Time is rescaled to mean age 1 before fitting, so the default
penalty (a weak Gaussian prior on the log-parameters) means the same thing in days or weeks; alpha is
scaled back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

DEFAULT_PENALTY = 0.1
MIN_CUSTOMERS = 10
LOG_BOUND = 12.0  # |log parameter| limit: keeps exp() finite when the likelihood is flat


@dataclass(frozen=True, kw_only=True)
class FitStatus:
    """What every model fit reports besides its parameters, so callers treat all fits alike."""

    log_likelihood: float
    converged: bool
    is_usable: bool
    warning: str = ""
    n_customers: int = 0
    penalty: float = DEFAULT_PENALTY


@dataclass(frozen=True)
class BgNbdFit(FitStatus):
    """Fitted BG/NBD parameters; NaN parameters and a warning when the data could not support a fit."""

    r: float
    alpha: float
    a: float
    b: float


def unusable_bgnbd(reason: str, n_customers: int = 0, penalty: float = DEFAULT_PENALTY) -> BgNbdFit:
    """A fit that says why it cannot be used, so callers fall back to simple rules instead of crashing."""
    nan = float("nan")
    return BgNbdFit(nan, nan, nan, nan, log_likelihood=nan, converged=False, is_usable=False, warning=reason,
                    n_customers=n_customers, penalty=penalty)


def bgnbd_log_likelihood(params: ArrayLike, x: NDArray, t_x: NDArray, T: NDArray,
                         with_gradient: bool = False) -> tuple[NDArray, NDArray | None]:
    """Per-customer log-likelihood (FHL 2005 eq. 6) and, optionally, its gradient w.r.t. (r, alpha, a, b)."""
    r, alpha, a, b = (float(v) for v in params)
    repeat = x > 0
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
    still_alive = special.betaln(a, b + x) - (r + x) * np.log(alpha + T)
    gone_after_last = np.full(x.shape, -np.inf)
    xr = x[repeat]
    gone_after_last[repeat] = special.betaln(a + 1, b + xr - 1) - (r + xr) * np.log(alpha + t_x[repeat])
    mix = np.logaddexp(still_alive, gone_after_last)
    loglik = common + mix
    if not with_gradient:
        return loglik, None
    w_gone = np.exp(gone_after_last - mix)
    w_alive = 1.0 - w_gone
    psi = special.digamma
    d_r = psi(r + x) - psi(r) + np.log(alpha) - w_alive * np.log(alpha + T) - w_gone * np.log(alpha + t_x)
    d_alpha = r / alpha - (r + x) * (w_alive / (alpha + T) + w_gone / (alpha + t_x))
    d_a = psi(a + b) - psi(a + b + x) + w_gone / a
    d_b = psi(b + x) - psi(a + b + x) - psi(b) + psi(a + b) - w_gone / np.where(repeat, b + x - 1, 1.0)
    return loglik, np.stack([d_r, d_alpha, d_a, d_b], axis=1)


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, penalty: float = DEFAULT_PENALTY,
              weights: ArrayLike | None = None) -> BgNbdFit:
    """Fit BG/NBD by penalised maximum likelihood; always returns, flagging fits that should not be used.

    ``frequency`` is the number of repeat purchases x, ``recency`` the time of the last purchase since the
    first (t_x) and ``T`` the customer's age, all in the same time unit (alpha comes back in that unit).
    ``penalty`` adds ``penalty * sum(log(param)**2)`` (time rescaled to mean age 1) to the total negative
    log-likelihood: a weak prior that keeps flat likelihoods (typical of daily data) from drifting to
    infinite parameters; use 0 for plain maximum likelihood. ``weights`` count identical customers.
    ``log_likelihood`` is the un-penalised sum in the caller's time unit.
    """
    clean = clean_rfm(frequency, recency, T, weights)
    (x, t_x, age), w = compress([clean.x, clean.t_x, clean.T], clean.weights)
    notes = list(clean.notes)
    n = int(round(w.sum()))
    problem = thin_data_problem(x, age, w)
    if problem:
        return unusable_bgnbd(problem, n, penalty)
    scale = float(np.average(age, weights=w))
    xs, ts, Ts = x, t_x / scale, age / scale

    def objective(theta: NDArray) -> tuple[float, NDArray]:
        loglik, grad = bgnbd_log_likelihood(np.exp(theta), xs, ts, Ts, with_gradient=True)
        value = -(w @ loglik) + penalty * theta @ theta
        gradient = -(w @ grad) * np.exp(theta) + 2 * penalty * theta
        return value / w.sum(), gradient / w.sum()

    theta, converged, fit_note = minimise_with_restarts(objective, _starting_points(xs, Ts, w))
    if theta is None:
        return unusable_bgnbd(f"The purchase model could not be fitted ({fit_note}).", n, penalty)
    r, alpha_scaled, a, b = np.exp(theta)
    params = (r, alpha_scaled * scale, a, b)
    loglik = float(w @ bgnbd_log_likelihood(params, x, t_x, age)[0])
    notes += [fit_note] if fit_note else []
    notes += _edge_notes(theta)
    return BgNbdFit(*(float(p) for p in params), log_likelihood=loglik, converged=converged, is_usable=True,
                    warning=" ".join(notes), n_customers=n, penalty=penalty)


class CleanRfm(NamedTuple):
    """The rows a model can use, the mask that picked them, and what was dropped (for the warning)."""

    x: NDArray
    t_x: NDArray
    T: NDArray
    weights: NDArray
    keep: NDArray
    notes: list[str]


def clean_rfm(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None) -> CleanRfm:
    """Drop rows the model cannot use (NaN, negative, last purchase after the end) and say how many."""
    x, t_x, age = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (frequency, recency, T))
    w = np.ones_like(x) if weights is None else np.atleast_1d(np.asarray(weights, dtype=float))
    if not x.shape == t_x.shape == age.shape == w.shape:
        raise ValueError("frequency, recency, T (and weights) must have the same length")
    with np.errstate(invalid="ignore"):
        t_x = np.where((t_x > age) & (t_x <= age * (1 + 1e-9) + 1e-9), age, t_x)  # rounding, not bad data
        t_x = np.where(x == 0, 0.0, t_x)
        keep = np.isfinite(x) & np.isfinite(t_x) & np.isfinite(age) & np.isfinite(w)
        keep &= (x >= 0) & (t_x >= 0) & (t_x <= age) & (w > 0)
    dropped = int((~keep).sum())
    notes = [f"{dropped} customers with missing or inconsistent purchase history were left out."] if dropped else []
    return CleanRfm(x[keep], t_x[keep], age[keep], w[keep], keep, notes)


def compress(columns: list[NDArray], weights: NDArray) -> tuple[list[NDArray], NDArray]:
    """Collapse identical customers into one weighted row: exact, and most one-time buyers share a row."""
    if len(weights) == 0:
        return columns, weights
    rows, inverse = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=weights, minlength=len(rows))
    return list(rows.T), counts


def thin_data_problem(x: NDArray, age: NDArray, w: NDArray) -> str:
    """A sentence explaining why the data cannot support the model, or '' when they can."""
    n = w.sum()
    if n < MIN_CUSTOMERS:
        return (f"The purchase model needs at least {MIN_CUSTOMERS} customers with a purchase history; "
                f"there are {int(round(n))}.")
    if not (w * (x > 0)).sum():
        return "No customer has bought more than once yet, so repeat-purchase behaviour cannot be modelled."
    if not (w * (age > 0)).sum():
        return "Every customer's first purchase is on the last day of the data, so there is no history to model."
    return ""


def _starting_points(x: NDArray, T: NDArray, w: NDArray) -> list[NDArray]:
    """A few log-parameter starts: moment-matched rate, and two typical published shapes."""
    rate = max(float(w @ x) / float(w @ T), 1e-3) if (w @ T) > 0 else 1.0
    starts = [(1.0, 1.0 / rate, 1.0, 1.0), (0.3, 0.3 / rate, 0.8, 2.5), (1.0, 1.0, 1.0, 1.0)]
    return [np.clip(np.log(np.asarray(s)), -LOG_BOUND + 1, LOG_BOUND - 1) for s in starts]


def minimise_with_restarts(objective: Callable[[NDArray], tuple[float, NDArray]],
                           starts: list[NDArray]) -> tuple[NDArray | None, bool, str]:
    """Run bounded L-BFGS-B from the starts in turn until one converges inside the bounds; never raises.

    Keeps the best finite optimum seen. Returns (theta or None, converged, note). Shared by all the
    models here so they fail the same way.
    """
    best, best_value, converged, last_error = None, np.inf, False, "no finite likelihood"
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(starts[0])
    for start in starts:
        if converged and not _edge_notes(best):
            break  # a clean optimum: the other starts are only there for when this one goes wrong
        try:
            with np.errstate(all="ignore"):
                result = optimize.minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                                           options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
        except (ValueError, FloatingPointError, ArithmeticError) as error:
            last_error = str(error)
            continue
        if np.isfinite(result.fun) and np.all(np.isfinite(result.x)) and result.fun < best_value - 1e-12:
            best, best_value, converged = result.x, result.fun, bool(result.success) or _is_stationary(result)
    if best is None:
        return None, False, last_error
    note = "" if converged else "The purchase model fit did not fully converge; treat its scores as rough."
    return best, converged, note


def _is_stationary(result: optimize.OptimizeResult) -> bool:
    """L-BFGS-B may stop on a line-search hiccup at the optimum; a flat gradient inside the bounds still counts."""
    inside = np.abs(result.x) < LOG_BOUND - 1e-6
    return bool(np.all(np.abs(np.asarray(result.jac)[inside]) < 1e-5))


def _edge_notes(theta: NDArray) -> list[str]:
    """Warn when a parameter sits on its bound: the data did not pin it down, so the prior or bound did."""
    if np.any(np.abs(theta) >= LOG_BOUND - 1e-6):
        return ["Some model parameters hit their limits (the data say little about them); scores are "
                "still ranked sensibly but absolute numbers are rough."]
    return []


def p_alive(fit: BgNbdFit, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> NDArray:
    """Probability that each customer has not silently dropped out by T.

    BG/NBD lets customers drop out only right after a purchase, so a customer with no repeat purchase
    (x = 0) always gets P(alive) = 1 — judge one-time buyers by recency instead. NaN for unusable fits.
    """
    x, t_x, T = _as_arrays(x, t_x, T)
    if not fit.is_usable:
        return np.full(x.shape, np.nan)
    with np.errstate(divide="ignore"):
        log_odds_dead = (np.log(fit.a) - np.log(np.maximum(fit.b + x - 1, 1e-300))
                         + (fit.r + x) * np.log1p((T - t_x) / (fit.alpha + t_x)))
    return np.where(x > 0, special.expit(-log_odds_dead), 1.0)


def prob_purchase(fit: BgNbdFit, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> NDArray:
    """Probability of at least one purchase in the next ``t`` time units: P(alive) * P(a purchase | alive).

    Closed form because an alive customer cannot drop out before their next purchase.
    """
    x, t_x, T = _as_arrays(x, t_x, T)
    buys_if_alive = -np.expm1(-(fit.r + x) * np.log1p(t / (fit.alpha + T)))
    return p_alive(fit, x, t_x, T) * buys_if_alive


def expected_purchases(fit: BgNbdFit, t: float, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> NDArray:
    """Expected number of purchases in the next ``t`` time units (FHL 2005 eq. 10), in the fit's time unit.

    Evaluated through the Euler transform of the hypergeometric term, whose parameters no longer grow
    with x, so very frequent or very old customers stay finite and accurate.
    """
    x, t_x, T = _as_arrays(x, t_x, T)
    if abs(fit.a - 1) < 1e-4:  # removable singularity at a = 1: average the two sides
        below = _expected_if_alive(fit.r, fit.alpha, 1 - 1e-4, fit.b, t, x, T)
        above = _expected_if_alive(fit.r, fit.alpha, 1 + 1e-4, fit.b, t, x, T)
        if_alive = (below + above) / 2
    else:
        if_alive = _expected_if_alive(fit.r, fit.alpha, fit.a, fit.b, t, x, T)
    return p_alive(fit, x, t_x, T) * if_alive


def _expected_if_alive(r: float, alpha: float, a: float, b: float, t: float, x: NDArray, T: NDArray) -> NDArray:
    z = t / (alpha + T + t)
    survive_term = np.exp(-(a - 1) * np.log1p(t / (alpha + T)))  # (1 - z) ** (a - 1)
    hyp = special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * (1 - survive_term * hyp)


def _as_arrays(*columns: ArrayLike) -> tuple[NDArray, ...]:
    return tuple(np.asarray(c, dtype=float) for c in np.broadcast_arrays(*columns))
