"""Backtest the "will buy again" score and the lifecycle stages on a real shop.

cutoff = last order date − 91 days; features as of the cutoff; label = the customer buys (a non-return
order) in the 91 days after. Prints ROC AUC for the product's score and for baselines computed in the
same run (recency rule, frequency rule, and lifetimes' BetaGeoFitter if installed), then the holdout
purchase rate per lifecycle stage and per value tier.

    python bench/lapsing_backtest.py --data ../shared/datasets/online_retail/online_retail.csv.gz --preset online-retail
    python bench/lapsing_backtest.py --data ../shared/datasets/cdnow/CDNOW_master.txt.gz --preset cdnow
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.behaviour.feature_store import refresh_features  # noqa: E402
from tools.ingest.load import ingest_file  # noqa: E402
from tools.store.workspace import Workspace  # noqa: E402

HOLDOUT_DAYS = 91


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--preset")
    parser.add_argument("--map", action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        started = time.perf_counter()
        ingest_file(root, "orders", args.data, preset=args.preset, map_pairs=args.map)
        frame, cutoff = features_and_labels(root)
        print(f"{args.data.name}: {len(frame):,} customers at cutoff {cutoff.date()}, "
              f"{frame['label'].mean():.1%} buy in the next {HOLDOUT_DAYS} days ({time.perf_counter() - started:.1f}s)")
        print_auc_table(frame)
        print_rates(frame, "lifecycle", ["new", "active", "lapsing", "lapsed"])
        print_rates(frame, "value_tier", ["high", "mid", "low"])


def features_and_labels(root: Path) -> tuple[pd.DataFrame, pd.Timestamp]:
    with Workspace(root).connect(read_only=True) as con:
        last = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    cutoff = pd.Timestamp(last).normalize() - timedelta(days=HOLDOUT_DAYS)
    refresh_features(root, cutoff.to_pydatetime())
    with Workspace(root).connect(read_only=True) as con:
        frame = con.execute("SELECT * FROM customer_features").df()
        buyers = {row[0] for row in con.execute(
            "SELECT DISTINCT customer_id FROM orders WHERE NOT is_return AND amount > 0 "
            "AND order_date > ? AND order_date <= ?",
            [cutoff + timedelta(days=1), cutoff + timedelta(days=HOLDOUT_DAYS + 1)]).fetchall()}
    frame["label"] = frame["customer_id"].isin(buyers).astype(int)
    return frame, cutoff


def print_auc_table(frame: pd.DataFrame) -> None:
    scores = {
        "segment-agent buy_again_score": frame["buy_again_score"],
        "baseline: recency rule (-days since order)": -frame["recency_days"],
        "baseline: frequency rule (orders)": frame["frequency"],
    }
    lifetimes_score, note = lifetimes_baseline(frame)
    if lifetimes_score is not None:
        scores["baseline: lifetimes BetaGeoFitter (weekly)"] = lifetimes_score
    product = roc_auc_score(frame["label"], scores["segment-agent buy_again_score"])
    print(f"\n{'score':<48} {'ROC AUC':>8} {'vs product':>11}")
    for name, score in scores.items():
        auc = roc_auc_score(frame["label"], np.nan_to_num(np.asarray(score, dtype=float), nan=-1e9))
        print(f"{name:<48} {auc:>8.3f} {product - auc:>+11.3f}")
    if note:
        print(f"{'baseline: lifetimes BetaGeoFitter (weekly)':<48} {note}")


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
