"""Attach model-based scores to the behaviour features: P(alive), expected orders, predicted value.

This adapts the shop's order history to BG/NBD + Gamma-Gamma (``tools.behaviour.probability``): a transaction is
a distinct purchase day and time is measured in weeks, the granularity at which the model is stable on
real daily data. When the fit is unusable (too few customers, no repeat buyers) the scores are left
empty with a warning, and lifecycle falls back to the transparent recency rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

DAYS_PER_WEEK = 7.0
HORIZON_DAYS = 90
VALUE_HORIZON_DAYS = 365


@dataclass
class ModelInfo:
    """Fitted parameters and warnings, stored with the features so answers can cite them."""

    summary: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def add_model_scores(features: pd.DataFrame) -> tuple[pd.DataFrame, ModelInfo]:
    """Return ``features`` plus p_alive, expected_orders_90d, predicted_value_12m and buy_again_score."""
    import numpy as np

    from tools.behaviour import probability

    frame = features.copy()
    info = ModelInfo()
    x = (frame["purchase_days"] - 1).to_numpy(dtype=float)
    t_x = ((frame["last_order"] - frame["first_order"]).dt.total_seconds() / 86400 / DAYS_PER_WEEK).to_numpy()
    t_x = np.floor(t_x * DAYS_PER_WEEK) / DAYS_PER_WEEK  # whole days, like the purchase-day transactions
    age = (frame["tenure_days"].to_numpy(dtype=float)) / DAYS_PER_WEEK
    fit = probability.fit_bgnbd(x, t_x, age)
    info.summary["bgnbd"] = {k: _round(getattr(fit, k)) for k in ("r", "alpha", "a", "b", "log_likelihood")}
    info.summary["bgnbd"]["usable"] = bool(fit.is_usable)
    nan = np.full(len(frame), np.nan)
    if not fit.is_usable:
        info.warnings.append(f"Probability model not used: {fit.warning} Lifecycle uses recency rules only.")
        frame["p_alive"], frame["expected_orders_90d"], frame["predicted_value_12m"] = nan, nan, nan
        frame["buy_again_score"] = -frame["recency_days"].astype(float)
        return frame, info
    if fit.warning:
        info.warnings.append(fit.warning)
    frame["p_alive"] = np.round(probability.p_alive(fit, x, t_x, age), 4)
    frame["expected_orders_90d"] = np.round(
        probability.expected_purchases(fit, HORIZON_DAYS / DAYS_PER_WEEK, x, t_x, age), 3)
    frame["buy_again_score"] = _buy_again(frame, x, info)
    frame["predicted_value_12m"] = _predicted_value(frame, fit, x, t_x, age, info)
    return frame, info


def _buy_again(frame: pd.DataFrame, x, info: ModelInfo):  # noqa: ANN001, ANN202
    """P(buys again within 90 days) from MBG/CNBD-k, which lets one-time buyers fade and rewards regularity."""
    import numpy as np

    from tools.behaviour import probability

    t_x_days = (frame["last_order"].dt.normalize() - frame["first_order"].dt.normalize()).dt.days.to_numpy(float)
    score = probability.buy_again_score(x, t_x_days, frame["tenure_days"].to_numpy(float), HORIZON_DAYS,
                                        frame["log_gap_sum"].to_numpy(float))
    if score.warning:
        info.warnings.append(score.warning)
    if np.isnan(score.probability).all():
        return frame["expected_orders_90d"]
    info.summary["buy_again_model"] = "MBG/CNBD-k"
    return np.round(score.probability, 4)


def _predicted_value(frame: pd.DataFrame, fit: object, x, t_x, age, info: ModelInfo):  # noqa: ANN001, ANN202
    import numpy as np

    from tools.behaviour import probability

    spend_per_order = (frame["monetary"] / frame["purchase_days"]).to_numpy(dtype=float)
    gg = probability.fit_gamma_gamma(x, np.where(x > 0, spend_per_order, 0.0))
    expected_orders = probability.expected_purchases(fit, VALUE_HORIZON_DAYS / DAYS_PER_WEEK, x, t_x, age)
    if gg.is_usable:
        order_value = probability.expected_order_value(gg, x, np.clip(spend_per_order, 0, None))
        info.summary["gamma_gamma"] = {k: _round(getattr(gg, k)) for k in ("p", "q", "v")}
    else:
        order_value = np.clip(spend_per_order, 0, None)
        info.warnings.append(f"Spend model not used ({gg.warning}); predicted value uses each customer's "
                             "average order value.")
    return np.round(expected_orders * order_value, 2)


def _round(value: object) -> object:
    return round(float(value), 4) if isinstance(value, int | float) else value
