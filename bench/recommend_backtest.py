"""Backtest next-product recommendations: co-purchase (the product's model) against popularity, same run.

Time split on a real shop: fit on every purchase before ``--cutoff``; for each customer who bought before
and after it, recommend 10 products they had not bought; a hit is any of them bought after the cutoff.
hit-rate@10 = share of those customers with a hit. The baseline is the 10 most-bought products the
customer does not own (same exclusion, same customers). Prints both, their ratio, CPU and wall seconds
per step, and the load average.

    python bench/recommend_backtest.py --data ../shared/datasets/online_retail/online_retail.csv.gz
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.campaigns.co_purchase import NOT_MERCHANDISE, CoPurchaseModel  # noqa: E402

T_ = TypeVar("T_")
K = 10


def timed(timings: dict[str, tuple[float, float]], name: str, work: Callable[[], T_]) -> T_:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    return result


def load(path: Path) -> duckdb.DuckDBPyConnection:
    """Online Retail purchases (no returns, no cancelled invoices, no fees) as (customer, product, date)."""
    con = duckdb.connect()
    con.execute(f"""CREATE TABLE purchases AS
        SELECT CAST(CustomerID AS VARCHAR) AS customer, trim(Description) AS product,
               CAST(InvoiceDate AS TIMESTAMP) AS day
        FROM read_csv('{path}', all_varchar = true)
        WHERE CustomerID IS NOT NULL AND Description IS NOT NULL AND CAST(Quantity AS INTEGER) > 0
          AND NOT starts_with(InvoiceNo, 'C')
          AND NOT regexp_matches(lower(trim(Description)), '{NOT_MERCHANDISE}')""")
    return con


def hit_rate(lists: dict[str, list[str]], truth: dict[str, set[str]]) -> float:
    return sum(bool(set(lists.get(c, [])[:K]) & bought) for c, bought in truth.items()) / max(1, len(truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets/online_retail/online_retail.csv.gz"))
    parser.add_argument("--cutoff", default="2011-09-01", help="Fit before this date, score after it.")
    parser.add_argument("--neighbours", type=int, default=20)
    args = parser.parse_args()
    timings: dict[str, tuple[float, float]] = {}
    con = timed(timings, "load", lambda: load(args.data))
    train = con.execute("SELECT DISTINCT customer, product FROM purchases WHERE day < ?", [args.cutoff]).fetchall()
    after = con.execute("SELECT DISTINCT customer, product FROM purchases WHERE day >= ?", [args.cutoff]).fetchall()
    model = timed(timings, "fit co-purchase", lambda: CoPurchaseModel.fit(train, args.neighbours))
    owned: dict[str, set[str]] = {}
    for customer, product in train:
        owned.setdefault(customer, set()).add(product)
    truth: dict[str, set[str]] = {}
    for customer, product in after:
        if customer in owned and product not in owned[customer]:
            truth.setdefault(customer, set()).add(product)
    customers = sorted(truth)
    product = timed(timings, "recommend co-purchase", lambda: model.recommend(customers, K))
    popular = timed(timings, "recommend popularity", lambda: model.popular(customers, K))
    product_lists = {c: [s.item for s in items] for c, items in product.items()}
    assert all(not set(items) & owned[c] for c, items in product_lists.items()), "recommended an owned product"
    rates = {"co-purchase (product)": hit_rate(product_lists, truth), "popularity (baseline)": hit_rate(popular, truth)}
    print(f"Online Retail, fit before {args.cutoff}: {len(model.customers):,} customers, {len(model.items):,} "
          f"products; scored {len(truth):,} customers who bought something new after the cutoff.")
    print(f"\n{'recommender':<24}{'hit-rate@10':>12}{'vs popularity':>15}")
    for name, rate in rates.items():
        print(f"{name:<24}{rate:>12.3f}{rate / rates['popularity (baseline)']:>14.2f}×")
    print(f"\n{'step':<24}{'wall s':>8}{'CPU s':>8}")
    for name, (wall, cpu) in timings.items():
        print(f"{name:<24}{wall:>8.2f}{cpu:>8.2f}")
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
