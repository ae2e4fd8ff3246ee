"""Backtest the "will buy again" score and the lifecycle stages on a real shop.

cutoff = last order date − 91 days; features as of the cutoff; label = the customer buys (a non-return
order) in the 91 days after. Prints ROC AUC for the product's score and for baselines computed in the
same run (recency rule and frequency rule, each one SQL query over the orders; lifetimes' BetaGeoFitter
if installed), the wall and CPU seconds of each step against the rule baseline's, the holdout purchase
rate per lifecycle stage and per value tier, and the load average.

    python bench/lapsing_backtest.py --data ../shared/datasets/online_retail/online_retail.csv.gz --preset online-retail
    python bench/lapsing_backtest.py --data ../shared/datasets/cdnow/CDNOW_master.txt.gz --preset cdnow
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.behaviour.feature_store import refresh_features  # noqa: E402
from tools.ingest.load import ingest_file  # noqa: E402
from tools.runtime.shop import Shop  # noqa: E402

HOLDOUT_DAYS = 91
PRODUCT = "segment-agent buy_again_score"
RULES = "baseline: recency + frequency rules (SQL)"
T_ = TypeVar("T_")
Timings = dict[str, tuple[float, float]]

# What a data scientist would compute first, straight from the order lines: days since the last purchase
# and the number of purchase orders (an order without an id is a customer's lines on one day), counting the
# whole cutoff day as the product's features do.
RULES_SQL = """
SELECT customer_id,
       date_diff('day', date_trunc('day', max(order_date)), date_trunc('day', $cutoff::TIMESTAMP)) AS recency_days,
       count(DISTINCT coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d'))) AS orders
FROM orders WHERE NOT is_return AND order_date < $cutoff::TIMESTAMP + INTERVAL 1 DAY GROUP BY customer_id
"""


def timed(timings: Timings, name: str, work: Callable[[], T_]) -> T_:
    """Run ``work`` and record its (wall, CPU) seconds under ``name``; CPU counts every thread."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--preset")
    parser.add_argument("--map", action="append", default=[])
    args = parser.parse_args()
    timings: Timings = {}
    with tempfile.TemporaryDirectory() as folder, Shop(Path(folder) / "ws", create=True) as shop:
        started = time.perf_counter()
        timed(timings, "ingest orders + features (latest)",
              lambda: ingest_file(shop, "orders", args.data, preset=args.preset, map_pairs=args.map))
        frame, cutoff = features_and_labels(shop, timings)
        print(f"{args.data.name}: {len(frame):,} customers at cutoff {cutoff.date()}, "
              f"{frame['label'].mean():.1%} buy in the next {HOLDOUT_DAYS} days ({time.perf_counter() - started:.1f}s)")
        print_auc_table(frame, timings)
        print_timings(timings)
        print_rates(frame, "lifecycle", ["new", "active", "lapsing", "lapsed"])
        print_rates(frame, "value_tier", ["high", "mid", "low"])
    print(f"\nload average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")


def features_and_labels(shop: Shop, timings: Timings) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The product's features as of the cutoff, the rule baselines from SQL, and the holdout label."""
    with shop.reading() as con:
        last = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    cutoff = pd.Timestamp(last).normalize() - timedelta(days=HOLDOUT_DAYS)
    timed(timings, "refresh features at cutoff (product score)", lambda: refresh_features(shop, cutoff.to_pydatetime()))
    with shop.reading() as con:
        frame = con.execute("SELECT * FROM customer_features").df()
        rules = timed(timings, RULES, lambda: con.execute(RULES_SQL, {"cutoff": cutoff.to_pydatetime()}).df())
        buyers = {row[0] for row in con.execute(
            "SELECT DISTINCT customer_id FROM orders WHERE NOT is_return AND amount > 0 "
            "AND order_date > ? AND order_date <= ?",
            [cutoff + timedelta(days=1), cutoff + timedelta(days=HOLDOUT_DAYS + 1)]).fetchall()}
    frame = frame.merge(rules.rename(columns={"recency_days": "rule_recency_days", "orders": "rule_orders"}),
                        on="customer_id", how="left")
    frame["label"] = frame["customer_id"].isin(buyers).astype(int)
    return frame, cutoff


def print_auc_table(frame: pd.DataFrame, timings: Timings) -> None:
    scores = {
        PRODUCT: frame["buy_again_score"],
        "baseline: recency rule (-days since order)": -frame["rule_recency_days"],
        "baseline: frequency rule (orders)": frame["rule_orders"],
    }
    lifetimes_score, note = timed(timings, "baseline: lifetimes BetaGeoFitter fit", lambda: lifetimes_baseline(frame))
    if lifetimes_score is not None:
        scores["baseline: lifetimes BetaGeoFitter (weekly)"] = lifetimes_score
    else:
        timings.pop("baseline: lifetimes BetaGeoFitter fit")
    product = roc_auc_score(frame["label"], scores[PRODUCT])
    print(f"\n{'score':<48} {'ROC AUC':>8} {'vs product':>11}")
    for name, score in scores.items():
        auc = roc_auc_score(frame["label"], np.nan_to_num(np.asarray(score, dtype=float), nan=-1e9))
        print(f"{name:<48} {auc:>8.3f} {product - auc:>+11.3f}")
    if note:
        print(f"{'baseline: lifetimes BetaGeoFitter (weekly)':<48} {note}")


def print_timings(timings: Timings) -> None:
    """Wall and CPU per step, and both relative to the SQL rule baseline's."""
    base_wall, base_cpu = timings[RULES]
    print(f"\n{'step':<56} {'wall s':>7} {'CPU s':>7} {'x base wall':>12} {'x base CPU':>11}")
    for step, (wall, cpu) in timings.items():
        print(f"{step:<56} {wall:>7.2f} {cpu:>7.2f} {wall / base_wall:>12.1f} {cpu / base_cpu:>11.1f}")


def lifetimes_baseline(frame: pd.DataFrame) -> tuple[np.ndarray | None, str]:
    """lifetimes' BG/NBD on weekly data, if the (archived) package is installed; failures are reported."""
    try:
        from lifetimes import BetaGeoFitter
    except Exception as exc:  # noqa: BLE001 - archived package; any import failure means "not available"
        return None, f"not run ({type(exc).__name__}: lifetimes not installed or incompatible)"
    weeks = 7.0
    x = frame["purchase_days"] - 1
    t_x = (frame["last_order"] - frame["first_order"]).dt.days / weeks
    age = frame["tenure_days"] / weeks
    try:
        model = BetaGeoFitter(penalizer_coef=0.0).fit(x, t_x, age)
        return model.conditional_expected_number_of_purchases_up_to_time(HOLDOUT_DAYS / weeks, x, t_x, age), ""
    except Exception as exc:  # noqa: BLE001 - a convergence failure is a result, not a crash
        return None, f"FAILED to fit ({type(exc).__name__}: {str(exc)[:80]})"


def print_rates(frame: pd.DataFrame, column: str, order: list[str]) -> None:
    print(f"\nholdout purchase rate by {column}")
    print(f"{column:<10} {'customers':>10} {'bought again':>13}")
    for value in order:
        group = frame[frame[column] == value]
        if len(group):
            print(f"{value:<10} {len(group):>10,} {group['label'].mean():>13.1%}")


if __name__ == "__main__":
    main()
