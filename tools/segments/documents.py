"""What each customer "says": their own texts, or the products they bought when they wrote nothing.

A customer's document is a list of pieces, each embedded once (shared pieces such as a product name are
embedded once for the whole shop) and pooled into one vector with recency weights, so what a customer
said or bought last month counts more than what they did three years ago (DESIGN.md §3, §6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

TEXT = "text"
PRODUCT = "product"


@dataclass
class CustomerDocuments:
    """Pieces of text per customer, ready to embed and pool.

    ``customer_ids`` are sorted (so output never depends on load order); piece ``i`` belongs to customer
    ``owners[i]``, has recency weight ``weights[i]`` and kind ``kinds[i]`` ('text' or 'product').
    """

    customer_ids: list[str]
    pieces: list[str]
    owners: np.ndarray
    weights: np.ndarray
    kinds: np.ndarray
    without_document: list[str] = field(default_factory=list)

    @property
    def writers(self) -> np.ndarray:
        """Boolean mask over customers: True where the customer wrote at least one text."""
        mask = np.zeros(len(self.customer_ids), dtype=bool)
        mask[self.owners[self.kinds == TEXT]] = True
        return mask

    def texts_of(self, kind: str) -> tuple[np.ndarray, list[str]]:
        """Piece indices and texts of one kind."""
        index = np.flatnonzero(self.kinds == kind)
        return index, [self.pieces[i] for i in index]


def load_documents(con: duckdb.DuckDBPyConnection, half_life_days: float,
                   include_products_for_writers: bool) -> CustomerDocuments:
    """Documents for every customer with orders: texts where they wrote any, else product names/categories.

    With ``include_products_for_writers`` the products bought are added for writers too (as their own
    kind, so the caller decides how much they weigh). Customers with neither are listed in
    ``without_document`` and left out of the segmentation.
    """
    customers = [row[0] for row in con.execute(
        "SELECT DISTINCT customer_id FROM orders ORDER BY customer_id").fetchall()]
    index = {customer_id: i for i, customer_id in enumerate(customers)}
    texts = _texts(con)
    writers = set(texts["customer_id"]) if len(texts) else set()
    products = _products(con, None if include_products_for_writers else writers)
    texts = texts[texts["customer_id"].isin(index)]
    products = products[products["customer_id"].isin(index)]
    frames = [(texts, TEXT), (products, PRODUCT)]
    reference = _reference_date([f["date"] for f, _ in frames])
    pieces, owners, weights, kinds = [], [], [], []
    for frame, kind in frames:
        pieces += frame["text"].tolist()
        owners.append(frame["customer_id"].map(index).to_numpy(dtype=np.int64))
        weights.append(recency_weights(frame["date"], reference, half_life_days))
        kinds += [kind] * len(frame)
    covered = {customer for frame, _ in frames for customer in frame["customer_id"]}
    return CustomerDocuments(
        customers, pieces, np.concatenate(owners), np.concatenate(weights), np.asarray(kinds, dtype=object),
        [c for c in customers if c not in covered])


def _texts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT customer_id, text, date FROM texts WHERE trim(text) <> '' ORDER BY customer_id, date, text"
    ).df()


def _products(con: duckdb.DuckDBPyConnection, skip: set[str] | None) -> pd.DataFrame:
    """One piece per (customer, item bought): 'product name (category)', dated by the last purchase."""
    frame = con.execute(
        """SELECT customer_id,
                  CASE WHEN product_name IS NOT NULL AND category IS NOT NULL
                       THEN product_name || ' (' || category || ')'
                       ELSE coalesce(product_name, category) END AS text,
                  max(order_date) AS date
           FROM orders
           WHERE NOT is_return AND coalesce(trim(product_name), trim(category), '') <> ''
           GROUP BY 1, 2 ORDER BY 1, 2"""
    ).df()
    if skip:
        frame = frame[~frame["customer_id"].isin(skip)]
    return frame


def _reference_date(columns: list[pd.Series]) -> np.datetime64 | None:
    """The newest date among all pieces: ages are measured from the data, never from today."""
    latest = [c.max() for c in columns if len(c) and c.notna().any()]
    return max(latest) if latest else None


def recency_weights(dates: pd.Series, reference: object, half_life_days: float) -> np.ndarray:
    """0.5 ** (age / half-life); undated pieces weigh as much as the newest ones."""
    import pandas as pd

    if reference is None or half_life_days <= 0 or len(dates) == 0:
        return np.ones(len(dates), dtype=np.float64)
    ages = (pd.Timestamp(reference) - pd.to_datetime(dates)).dt.total_seconds().to_numpy() / 86400.0
    ages = np.nan_to_num(ages, nan=0.0).clip(min=0.0)
    return np.power(0.5, ages / half_life_days)
