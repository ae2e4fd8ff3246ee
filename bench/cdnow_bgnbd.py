"""Validate BG/NBD and Gamma-Gamma against the published CDNOW results (Fader, Hardie & Lee 2005a, 2005b).

Calibration 1997-01-01..1997-09-30, time in weeks; a transaction is a customer's purchase day (several
rows on one day are one transaction). Prints our parameters next to the published ones, the holdout
check (weeks 40-78: predicted vs actual repeat transactions, overall and by calibration frequency), the
Gamma-Gamma parameters, and the fit times (wall and CPU seconds) with the load average.

    .venv/bin/python bench/cdnow_bgnbd.py [path/to/CDNOW_sample.csv.gz]
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.behaviour.probability import expected_purchases, fit_bgnbd, fit_gamma_gamma  # noqa: E402

SAMPLE = Path("/work/shared/datasets/cdnow/CDNOW_sample.csv.gz")
PUBLISHED_SUMMARY = SAMPLE.with_name("cdnow_customers_summary_with_transactions.csv.gz")
START = pd.Timestamp("1997-01-01")
CALIBRATION_END = pd.Timestamp("1997-09-30")  # day 272; FHL's T for a 1 Jan buyer is 272/7 = 38.86 weeks
HOLDOUT_END = pd.Timestamp("1998-06-30")
HOLDOUT_WEEKS = (HOLDOUT_END - CALIBRATION_END).days / 7  # 39 weeks (weeks 40-78)
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
T_ = TypeVar("T_")


def timed(work: Callable[[], T_]) -> tuple[T_, float, float]:
    """``work()``'s result with its wall and CPU seconds (CPU counts every thread of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def load_transactions(path: Path = SAMPLE) -> pd.DataFrame:
    """One row per customer and purchase day, with the day's total spend."""
    rows = pd.read_csv(path, dtype={"customer_id": str, "sample_customer_id": str, "date": str})
    if "sample_customer_id" in rows:  # the published summaries are in sample-id order
        rows["customer_id"] = rows["sample_customer_id"]
    rows["day"] = pd.to_datetime(rows["date"], format="%Y%m%d")
    return rows.groupby(["customer_id", "day"], as_index=False)["dollar_value"].sum()


def load_cdnow_calibration(path: Path = SAMPLE) -> pd.DataFrame:
    """Per customer: x, t_x, T (weeks), zbar (mean spend of calibration repeat purchases), holdout count.

    Time is counted in days from the first purchase to the last one (t_x) and to 1997-09-30 (T), then
    divided by 7 — the convention of the published summary file, which this reproduces exactly.
    """
    days = load_transactions(path)
    days["first"] = days.groupby("customer_id")["day"].transform("min")
    calibration = days[days["day"] <= CALIBRATION_END]
    holdout = days[(days["day"] > CALIBRATION_END) & (days["day"] <= HOLDOUT_END)]
    per = calibration.groupby("customer_id").agg(first=("first", "min"), last=("day", "max"),
                                                 n=("day", "size"), total=("dollar_value", "sum"))
    first_spend = calibration.sort_values("day").groupby("customer_id")["dollar_value"].first()
    per["x"] = per["n"] - 1
    per["t_x"] = (per["last"] - per["first"]).dt.days / 7
    per["T"] = (CALIBRATION_END - per["first"]).dt.days / 7
    repeat_spend = per["total"] - first_spend.reindex(per.index)
    per["zbar"] = np.where(per["x"] > 0, repeat_spend / per["x"].clip(lower=1), 0.0)
    per["holdout"] = holdout.groupby("customer_id").size().reindex(per.index, fill_value=0)
    return per[["x", "t_x", "T", "zbar", "holdout"]]


def compare_with_published_summary(calibration: pd.DataFrame) -> str:
    """How many customers get exactly the published (x, t_x, T, zbar) — checks the data preparation."""
    if not PUBLISHED_SUMMARY.exists():
        return "published summary file not found; skipped the per-customer check"
    published = pd.read_csv(PUBLISHED_SUMMARY)
    ours = calibration.reset_index(drop=True).iloc[: len(published)]
    same = np.ones(len(published), dtype=bool)
    for column in ("x", "t_x", "T", "zbar"):
        same &= np.isclose(ours[column].to_numpy(), published[column].to_numpy(), atol=0.006)
    return f"{same.sum():,} of {len(published):,} customers match the published (x, t_x, T, zbar) summary"


def print_parameter_table(title: str, ours: dict[str, float], published: dict[str, float]) -> None:
    print(f"\n{title}\n{'parameter':<16}{'ours':>12}{'published':>12}{'rel. diff':>11}")
    for name, value in published.items():
        ours_value = ours[name]
        print(f"{name:<16}{ours_value:>12.4f}{value:>12.4f}{(ours_value - value) / abs(value):>+11.2%}")


def print_holdout(calibration: pd.DataFrame, fit: object) -> None:
    """Conditional expectations for weeks 40-78 against what the customers actually did (FHL fig. 4)."""
    predicted = expected_purchases(fit, HOLDOUT_WEEKS, calibration["x"], calibration["t_x"], calibration["T"])
    frame = calibration.assign(predicted=predicted, group=calibration["x"].clip(upper=7))
    actual_total, predicted_total = frame["holdout"].sum(), frame["predicted"].sum()
    print(f"\nHoldout weeks 40-78 ({HOLDOUT_WEEKS:.0f} weeks): actual {actual_total:,} repeat transactions, "
          f"predicted {predicted_total:,.1f} ({(predicted_total - actual_total) / actual_total:+.1%})")
    print(f"{'x (calib.)':<11}{'customers':>10}{'actual':>9}{'predicted':>11}{'mean act.':>11}{'mean pred.':>11}")
    for group, part in frame.groupby("group"):
        label = f"{group}+" if group == 7 else str(group)
        print(f"{label:<11}{len(part):>10,}{part['holdout'].sum():>9,}{part['predicted'].sum():>11.1f}"
              f"{part['holdout'].mean():>11.3f}{part['predicted'].mean():>11.3f}")


def main(path: Path = SAMPLE) -> None:
    calibration, prep_wall, prep_cpu = timed(lambda: load_cdnow_calibration(path))
    print(f"{path.name}: {len(calibration):,} customers; {compare_with_published_summary(calibration)}")
    fit, bgnbd_wall, bgnbd_cpu = timed(
        lambda: fit_bgnbd(calibration["x"], calibration["t_x"], calibration["T"], penalty=0))
    print_parameter_table(f"BG/NBD, penalty=0 (fit {bgnbd_wall * 1000:.0f} ms, converged={fit.converged})",
                          {name: getattr(fit, name) for name in PUBLISHED_BGNBD}, PUBLISHED_BGNBD)
    print_holdout(calibration, fit)
    spend, spend_wall, spend_cpu = timed(lambda: fit_gamma_gamma(calibration["x"], calibration["zbar"], penalty=0))
    print_parameter_table(f"Gamma-Gamma on {spend.n_customers} repeat buyers, mean spend of repeat purchases, "
                          f"penalty=0 (fit {spend_wall * 1000:.0f} ms)",
                          {name: getattr(spend, name) for name in PUBLISHED_GAMMA_GAMMA}, PUBLISHED_GAMMA_GAMMA)
    default, default_wall, default_cpu = timed(
        lambda: fit_bgnbd(calibration["x"], calibration["t_x"], calibration["T"]))
    print(f"\nWith the default penalty ({default.penalty}): r={default.r:.4f} alpha={default.alpha:.4f} "
          f"a={default.a:.4f} b={default.b:.4f} LL={default.log_likelihood:.1f}")
    print(f"\n{'step':<34}{'wall s':>9}{'CPU s':>9}{'CPU/wall':>10}{'x prep wall':>13}")
    for name, wall, cpu in (("data preparation (baseline)", prep_wall, prep_cpu),
                            ("BG/NBD fit, penalty=0", bgnbd_wall, bgnbd_cpu),
                            ("Gamma-Gamma fit, penalty=0", spend_wall, spend_cpu),
                            (f"BG/NBD fit, penalty={default.penalty}", default_wall, default_cpu)):
        print(f"{name:<34}{wall:>9.3f}{cpu:>9.3f}{cpu / wall:>10.2f}{wall / prep_wall:>13.2f}")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs: {os.cpu_count()}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE)
