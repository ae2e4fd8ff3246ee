"""Which unsupervised score best predicts "buys again in the next 91 days"? Backtest on two real shops.

Setup (as in bench/lapsing_backtest.py): cutoff = last purchase day - 91 days; features from purchase
days before the cutoff; label = at least one non-cancelled purchase from the cutoff day to the end of the
data; population = customers with a purchase before the cutoff. Earlier cutoffs (--cutoffs) keep the
91-day label window. A transaction is a customer's purchase day. Prints ROC AUC
per candidate score for UCI Online Retail and CDNOW master, a paired-bootstrap standard error of each
score's difference to the recommended one, how well the recommended probability is calibrated, and the
wall and CPU seconds of each model fit against the classic daily BG/NBD fit (the baseline), with the load
average.

    .venv/bin/python bench/explore_buy_again.py [--cutoffs 91 121 151 181] [--bootstrap 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.stats import rankdata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.behaviour import probability  # noqa: E402

DATASETS = Path("/work/shared/datasets")
HORIZON_DAYS = 91
RECOMMENDED = "MBG/CNBD-k P(buy in 91d)  [recommended]"
BASELINE_FIT = "BG/NBD fit, days (baseline)"
T_ = TypeVar("T_")
Timings = dict[str, tuple[float, float]]


def timed(timings: Timings, name: str, work: Callable[[], T_]) -> T_:
    """Run ``work`` and record its (wall, CPU) seconds under ``name``; CPU counts every thread."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    return result


def load_online_retail(path: Path = DATASETS / "online_retail" / "online_retail.csv.gz") -> pd.DataFrame:
    """Purchase timestamps per customer: rows without CustomerID and cancelled ('C') invoices dropped."""
    rows = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str},
                       usecols=["InvoiceNo", "InvoiceDate", "CustomerID"])
    rows = rows[rows["CustomerID"].notna() & ~rows["InvoiceNo"].str.startswith("C")]
    return pd.DataFrame({"customer_id": rows["CustomerID"], "time": pd.to_datetime(rows["InvoiceDate"])})


def load_cdnow_master(path: Path = DATASETS / "cdnow" / "CDNOW_master.csv.gz") -> pd.DataFrame:
    rows = pd.read_csv(path, dtype={"customer_id": str, "date": str})
    return pd.DataFrame({"customer_id": rows["customer_id"], "time": pd.to_datetime(rows["date"], format="%Y%m%d")})


def customer_table(purchases: pd.DataFrame, days_back: int) -> pd.DataFrame:
    """Per customer at the cutoff: x, t_x, T, recency (days), log-gap sum, weekly-period RFM, label."""
    days = purchases.assign(day=purchases["time"].dt.normalize())[["customer_id", "day"]].drop_duplicates()
    cutoff = days["day"].max() - pd.Timedelta(days=days_back)
    before = days[days["day"] < cutoff].sort_values(["customer_id", "day"])
    by = before.groupby("customer_id")["day"]
    table = pd.DataFrame({"first": by.min(), "last": by.max(), "purchase_days": by.size()})
    table["x"] = table["purchase_days"] - 1.0
    table["t_x"] = (table["last"] - table["first"]).dt.days.astype(float)
    table["T"] = (cutoff - table["first"]).dt.days.astype(float)
    table["recency"] = (cutoff - table["last"]).dt.days.astype(float)
    gaps = by.diff().dt.days
    table["log_gap_sum"] = np.log(gaps).groupby(before["customer_id"]).sum().reindex(table.index, fill_value=0.0)
    age = (cutoff - before["day"]).dt.days.to_numpy()
    table["decayed_days"] = pd.Series(np.exp(-age / (2 * HORIZON_DAYS)), index=before.index).groupby(
        before["customer_id"]).sum()
    weeks = before.assign(week=before["day"].dt.to_period("W")).groupby("customer_id")["week"]
    last_week = (cutoff - pd.Timedelta(days=1)).to_period("W")
    table["x_weeks"] = weeks.nunique() - 1.0
    table["t_x_weeks"] = (weeks.max() - weeks.min()).map(lambda offset: offset.n).astype(float)
    table["T_weeks"] = (last_week - weeks.min()).map(lambda offset: offset.n).astype(float)
    after = days[(days["day"] >= cutoff) & (days["day"] <= cutoff + pd.Timedelta(days=HORIZON_DAYS))]
    table["label"] = table.index.isin(after["customer_id"].unique())
    table.attrs["cutoff"] = cutoff
    return table


def candidate_scores(table: pd.DataFrame) -> tuple[dict[str, np.ndarray], list[str], Timings]:
    """Every candidate score (higher = more likely to buy), notes on the fits, and (wall, CPU) per fit."""
    x, t_x, T, h = table["x"], table["t_x"], table["T"], HORIZON_DAYS
    scores = {"recency rule (-days since last purchase)": -table["recency"].to_numpy(),
              "frequency rule (purchase days)": table["purchase_days"].to_numpy()}
    notes: list[str] = []
    timings: Timings = {}
    daily = timed(timings, BASELINE_FIT, lambda: probability.fit_bgnbd(x, t_x, T))
    notes.append(f"BG/NBD daily: {_params(daily, 'r alpha a b')}")
    scores["BG/NBD E[purchases 91d], days"] = probability.expected_purchases(daily, h, x, t_x, T)
    scores["BG/NBD P(buy in 91d), days"] = probability.prob_purchase(daily, h, x, t_x, T)
    scores["BG/NBD P(alive), days"] = probability.p_alive(daily, x, t_x, T)
    xw, txw, Tw = table["x_weeks"], table["t_x_weeks"], table["T_weeks"]
    weekly = timed(timings, "BG/NBD fit, weekly periods", lambda: probability.fit_bgnbd(xw, txw, Tw))
    scores["BG/NBD E[purchases 13w], weekly periods"] = probability.expected_purchases(weekly, 13, xw, txw, Tw)
    unregular = timed(timings, "MBG/NBD score (k=1)", lambda: probability.buy_again_score(x, t_x, T, h))
    scores["MBG/NBD P(buy in 91d) (k=1)"] = unregular.probability
    recommended = timed(timings, "MBG/CNBD-k score [recommended]", lambda: probability.buy_again_score(
        x, t_x, T, h, log_gap_sum=table["log_gap_sum"]))
    notes.append(f"MBG/CNBD-k: k={recommended.fit.k} {_params(recommended.fit, 'r alpha a b')} "
                 f"{recommended.warning}")
    scores[RECOMMENDED] = recommended.probability
    scores["heuristic: purchase days decayed, half-life 126d"] = table["decayed_days"].to_numpy()
    scores["rank blend: recommended + decayed days"] = rankdata(recommended.probability) + rankdata(
        table["decayed_days"])
    lifetimes_score, note = timed(timings, "lifetimes BetaGeoFitter, weekly", lambda: _lifetimes_weekly(xw, txw, Tw))
    if lifetimes_score is not None:
        scores["lifetimes BetaGeoFitter, weekly periods"] = lifetimes_score
    else:
        timings.pop("lifetimes BetaGeoFitter, weekly")
    notes += [note] if note else []
    return scores, notes, timings


def _params(fit: object, names: str) -> str:
    return " ".join(f"{name}={getattr(fit, name):.4g}" for name in names.split())


def _lifetimes_weekly(x: pd.Series, t_x: pd.Series, T: pd.Series) -> tuple[np.ndarray | None, str]:
    """The reference baseline, only if the archived package happens to be installed."""
    try:
        from lifetimes import BetaGeoFitter
    except Exception as error:  # noqa: BLE001 - any import failure means "baseline not available"
        return None, f"lifetimes not available ({type(error).__name__})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = BetaGeoFitter(penalizer_coef=0.0).fit(x, t_x, T)
        return fit.conditional_expected_number_of_purchases_up_to_time(13, x, t_x, T).to_numpy(), ""
    except Exception as error:  # noqa: BLE001 - a failed fit is a result to report
        return None, f"lifetimes weekly fit failed ({type(error).__name__})"


def roc_auc(label: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half; NaN scores rank lowest."""
    ranks = rankdata(np.nan_to_num(np.asarray(score, dtype=float), nan=-np.inf))
    positives = label.sum()
    return float((ranks[label].sum() - positives * (positives + 1) / 2) / (positives * (len(label) - positives)))


def bootstrap_difference(label: np.ndarray, score: np.ndarray, reference: np.ndarray, repeats: int,
                         seed: int = 0) -> float:
    """Standard error of AUC(score) - AUC(reference) over customer resamples (paired)."""
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(repeats):
        pick = rng.integers(0, len(label), len(label))
        diffs.append(roc_auc(label[pick], score[pick]) - roc_auc(label[pick], reference[pick]))
    return float(np.std(diffs))


def report(name: str, loader: Callable[[], pd.DataFrame], days_back: int, repeats: int) -> dict[str, float]:
    timings: Timings = {}
    table = timed(timings, "load + customer table", lambda: customer_table(loader(), days_back))
    label = table["label"].to_numpy()
    print(f"\n== {name}, cutoff {table.attrs['cutoff'].date()}: {len(table):,} customers, "
          f"{label.mean():.1%} buy in the next {days_back} days, {(table['x'] == 0).mean():.0%} one-time buyers")
    scores, notes, fits = candidate_scores(table)
    timings |= fits
    for note in notes:
        print(f"   {note}")
    reference = np.nan_to_num(scores[RECOMMENDED], nan=-1.0)
    print(f"{'score':<50}{'ROC AUC':>9}{'vs recommended':>17}")
    aucs = {score_name: roc_auc(label, score) for score_name, score in scores.items()}
    for score_name, score in scores.items():
        error = bootstrap_difference(label, np.nan_to_num(score, nan=-1e18), reference, repeats) if repeats else 0
        difference = aucs[score_name] - aucs[RECOMMENDED]
        print(f"{score_name:<50}{aucs[score_name]:>9.4f}{difference:>+10.4f} ± {error:.4f}")
    print(f"calibration: mean predicted P {np.nanmean(scores[RECOMMENDED]):.3f}, actual rate {label.mean():.3f}")
    base_wall, base_cpu = timings[BASELINE_FIT]
    print(f"\n{'step':<36}{'wall s':>9}{'CPU s':>9}{'wall x base':>13}{'CPU x base':>12}")
    for step, (wall, cpu) in timings.items():
        print(f"{step:<36}{wall:>9.2f}{cpu:>9.2f}{wall / base_wall:>13.2f}{cpu / base_cpu:>12.2f}")
    return aucs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoffs", type=int, nargs="+", default=[HORIZON_DAYS],
                        help="cutoffs as days before the last purchase day (label window: 91 days from the cutoff)")
    parser.add_argument("--bootstrap", type=int, default=200, help="paired bootstrap repeats (0 = skip)")
    args = parser.parse_args()
    summary = {}
    for days_back in args.cutoffs:
        for name, loader in (("Online Retail", load_online_retail), ("CDNOW master", load_cdnow_master)):
            summary[f"{name} -{days_back}d"] = report(name, loader, days_back, args.bootstrap)
    if len(summary) > 2:
        print("\nAUC by dataset and cutoff")
        print(pd.DataFrame(summary).round(4).to_string())
    print(f"\nload average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    main()
