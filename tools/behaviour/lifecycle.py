"""Lifecycle stage and value tier per customer, by documented, configurable rules (DESIGN.md §5).

Stages, checked in this order:
- **new**: first purchase within ``new_days`` of as_of.
- **lapsed**: repeat buyers more than ``lapsed_factor`` × their own typical gap since their last order
  (and at least ``min_lapsed_days``), or whose model P(alive) fell below ``p_alive_lapsed``;
  one-time buyers past ``lapsed_factor`` × the shop's typical gap.
- **lapsing**: repeat buyers more than ``overdue_factor`` × their own gap since their last order, or
  whose P(alive) fell below ``p_alive_lapsing``; one-time buyers past ``overdue_factor`` × the shop's gap.
- **active**: everyone else.
One-time buyers get recency rules because BG/NBD gives them P(alive) = 1 by construction.

Value tier ranks customers by net revenue: the top ``high_share`` are high, the next ``mid_share`` mid.
The numbers that decided each stage are kept in ``lifecycle_reason`` so ``explain`` can show them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from tools.concepts import LifecycleStage, ValueTier
from tools.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from tools.runtime.settings import Settings

LIFECYCLE_STAGES = tuple(stage.value for stage in LifecycleStage)
VALUE_TIERS = tuple(tier.value for tier in ValueTier)


@dataclass(frozen=True)
class LifecycleRules:
    """Thresholds for lifecycle stages; ``[lifecycle]`` in segment-agent.toml overrides them."""

    new_days: int = 60
    overdue_factor: float = 1.5
    lapsed_factor: float = 4.0
    min_gap_days: int = 14
    min_lapsed_days: int = 180
    p_alive_lapsing: float = 0.5
    p_alive_lapsed: float = 0.15


@dataclass(frozen=True)
class ValueTierRules:
    """Shares of customers (by net revenue rank) in the high and mid tiers; ``[value_tiers]`` overrides."""

    high_share: float = 0.2
    mid_share: float = 0.3


def load_rules(settings: Settings) -> tuple[LifecycleRules, ValueTierRules]:
    """Rules from defaults overridden by ``[lifecycle]`` and ``[value_tiers]``, validated for sense."""
    lifecycle = LifecycleRules(**settings.section("lifecycle", asdict(LifecycleRules())))
    tiers = ValueTierRules(**settings.section("value_tiers", asdict(ValueTierRules())))
    if not 1 <= lifecycle.overdue_factor < lifecycle.lapsed_factor:
        raise UserError("[lifecycle] needs 1 <= overdue_factor < lapsed_factor in segment-agent.toml.")
    if not 0 <= lifecycle.p_alive_lapsed <= lifecycle.p_alive_lapsing <= 1:
        raise UserError("[lifecycle] needs 0 <= p_alive_lapsed <= p_alive_lapsing <= 1 in segment-agent.toml.")
    if not (0 < tiers.high_share and 0 <= tiers.mid_share and tiers.high_share + tiers.mid_share <= 1):
        raise UserError("[value_tiers] needs high_share > 0, mid_share >= 0 and their sum <= 1.")
    return lifecycle, tiers


def shop_typical_gap(features: pd.DataFrame, rules: LifecycleRules) -> float:
    """The median repeat buyer's typical gap: the yardstick for one-time buyers."""
    gaps = features["typical_gap_days"].dropna()
    return max(float(gaps.median()) if len(gaps) else 90.0, float(rules.min_gap_days))


def assign_lifecycle(features: pd.DataFrame, rules: LifecycleRules) -> pd.DataFrame:
    """Add ``lifecycle``, ``reference_gap_days``, ``overdue_ratio`` and ``lifecycle_reason`` columns."""
    import numpy as np

    frame = features.copy()
    shop_gap = shop_typical_gap(frame, rules)
    is_repeat = frame["typical_gap_days"].notna()
    gap = frame["typical_gap_days"].fillna(shop_gap).clip(lower=rules.min_gap_days)
    ratio = frame["recency_days"] / gap
    p_alive = frame.get("p_alive", 1.0)
    model_says_gone = is_repeat & (p_alive < rules.p_alive_lapsed)
    model_says_fading = is_repeat & (p_alive < rules.p_alive_lapsing)
    is_new = frame["tenure_days"] <= rules.new_days
    is_lapsed = ((ratio > rules.lapsed_factor) & (frame["recency_days"] >= rules.min_lapsed_days)) | model_says_gone
    is_lapsing = (ratio > rules.overdue_factor) | model_says_fading
    frame["lifecycle"] = np.select([is_new, is_lapsed, is_lapsing], ["new", "lapsed", "lapsing"], "active")
    frame["reference_gap_days"] = gap.round(1)
    frame["overdue_ratio"] = ratio.round(2)
    frame["lifecycle_reason"] = _reasons(frame, rules, shop_gap)
    return frame


def assign_value_tier(features: pd.DataFrame, rules: ValueTierRules) -> pd.DataFrame:
    """Add ``value_tier`` and ``value_rank_share`` (0 = top spender) by net revenue rank."""
    import numpy as np

    frame = features.copy()
    rank_share = frame["monetary"].rank(method="first", ascending=False) / len(frame)
    frame["value_rank_share"] = rank_share.round(4)
    frame["value_tier"] = np.select(
        [rank_share <= rules.high_share, rank_share <= rules.high_share + rules.mid_share], ["high", "mid"], "low"
    )
    return frame


def _reasons(frame: pd.DataFrame, rules: LifecycleRules, shop_gap: float) -> list[str]:
    """One sentence per customer saying why they are in their stage (shown by ``explain``).

    Why columns zipped, not ``itertuples``: at 1M customers the per-row attribute lookups dominated
    ``features`` (bench/scale.py); the constant parts of the sentence are formatted once.
    """
    import numpy as np

    new_text = f" days ago (within the {rules.new_days}-day new-customer window)"
    one_time = f"one-time buyer; the shop's typical gap between orders is {shop_gap:.0f} days"
    bounds = (f" that gap (overdue above {rules.overdue_factor}×, lapsed above {rules.lapsed_factor}× and "
              f"{rules.min_lapsed_days} days)")
    model = f" (fading below {rules.p_alive_lapsing}, gone below {rules.p_alive_lapsed})"
    p_alive = frame["p_alive"].to_numpy(float) if "p_alive" in frame.columns else np.full(len(frame), np.nan)
    reasons = []
    for stage, tenure, recency, days, gap, ratio, alive in zip(
            frame["lifecycle"].tolist(), frame["tenure_days"].tolist(), frame["recency_days"].tolist(),
            frame["purchase_days"].tolist(), frame["reference_gap_days"].tolist(),
            frame["overdue_ratio"].tolist(), p_alive.tolist(), strict=True):
        if stage == "new":
            reasons.append(f"first order {tenure}{new_text}")
            continue
        rhythm = one_time if days < 2 else f"{days} purchase days, usually {gap:.0f} days apart"
        facts = f"{rhythm}; last order {recency} days ago = {ratio:.1f}×{bounds}"
        if alive == alive and days >= 2:
            facts += f"; model P(alive) {alive:.2f}{model}"
        reasons.append(facts)
    return reasons
