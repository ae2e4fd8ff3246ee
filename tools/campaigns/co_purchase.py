"""Item-to-item co-purchase: association rules between products and a "next product" for each customer.

Both rest on one sparse customer × product matrix of who bought what (returns and fees left out):

- **Rules** ``anchor → item``: of the customers who bought the anchor, how many also bought the item
  (``together``), its support (share of all buyers), confidence P(item | anchor) and lift (confidence over
  the item's base rate). A rule needs ``min_together`` customers, so three coincidences never headline.
- **Next product**: item-based collaborative filtering. Items are similar when the same customers buy
  them (cosine of their buyer vectors, each item keeping its ``neighbours`` nearest); a customer's score
  for an item is the sum of its similarity to everything they bought, and what they already own is never
  recommended. Slots the co-purchase signal cannot fill go to the most popular items they do not own.

Measured in ``bench/recommend_backtest.py`` (Online Retail, time split): hit-rate@10 against a popularity
baseline computed in the same run. The matrix products are scipy's, so a shop with millions of order lines
fits in memory and fits in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import duckdb
    import scipy.sparse as sp

DEFAULT_NEIGHBOURS = 20  # bench/recommend_backtest.py: 20 neighbours beat 50 and 200 on Online Retail
MIN_TOGETHER = 3
BATCH = 2_000
# Order lines that are fees or adjustments, not merchandise (UCI Online Retail has all of these).
NOT_MERCHANDISE = (r"^\s*(dotcom postage|postage|carriage|next day carriage|shipping|delivery charge|manual|"
                   r"bank charges|discount|samples|amazon fee|cruk commission|adjust bad debt)\s*$")
MERCHANDISE_SQL = f"NOT regexp_matches(lower(product_name), '{NOT_MERCHANDISE}')"


def is_merchandise(name: str) -> bool:
    """False for postage, fees and adjustments, which are never worth promoting."""
    return re.match(NOT_MERCHANDISE, name.lower()) is None


@dataclass(frozen=True)
class ItemRule:
    """Customers who bought ``anchor`` also bought ``item``: counts, support, confidence and lift."""

    anchor: str
    item: str
    together: int
    anchor_buyers: int
    item_buyers: int
    support: float
    confidence: float
    lift: float


@dataclass(frozen=True)
class Suggestion:
    """One next product for one customer, and whether co-purchases or popularity put it there."""

    item: str
    score: float
    source: str  # "co-purchase" or "popular"


class CoPurchaseModel:
    """Who bought what, as a sparse matrix, with item similarities for next-product recommendations."""

    def __init__(self, customers: list[str], items: list[str], matrix: sp.csr_matrix,
                 neighbours: int = DEFAULT_NEIGHBOURS) -> None:
        self.customers, self.items, self.matrix = customers, items, matrix.tocsr()
        self.customer_index = {c: i for i, c in enumerate(customers)}
        self.item_index = {name: i for i, name in enumerate(items)}
        self.buyers = np.asarray(self.matrix.sum(axis=0)).ravel()
        self._together = (self.matrix.T @ self.matrix).tocsr()
        self.similarity = _nearest(_cosine(self._together, self.buyers), neighbours)

    @classmethod
    def fit(cls, pairs: Iterable[tuple[str, str]], neighbours: int = DEFAULT_NEIGHBOURS) -> CoPurchaseModel:
        """Build from (customer_id, item) purchase pairs (duplicates are fine)."""
        import scipy.sparse as sp

        unique = sorted(set(pairs))
        customers = sorted({c for c, _ in unique})
        items = sorted({i for _, i in unique})
        c_index = {c: n for n, c in enumerate(customers)}
        i_index = {i: n for n, i in enumerate(items)}
        rows = np.fromiter((c_index[c] for c, _ in unique), dtype=np.int64, count=len(unique))
        cols = np.fromiter((i_index[i] for _, i in unique), dtype=np.int64, count=len(unique))
        matrix = sp.csr_matrix((np.ones(len(unique), dtype=np.float64), (rows, cols)),
                               shape=(len(customers), len(items)))
        return cls(customers, items, matrix, neighbours)

    def owned(self, customer: str) -> set[str]:
        """The items ``customer`` bought."""
        row = self.customer_index.get(customer)
        return set() if row is None else {self.items[j] for j in self.matrix[row].indices}

    def recommend(self, customers: Sequence[str], k: int = 10, fill: bool = True) -> dict[str, list[Suggestion]]:
        """The top ``k`` items per known customer, never one they already bought; ``fill`` tops a short list
        up with the most popular items they do not own."""
        known = [c for c in customers if c in self.customer_index]
        result: dict[str, list[Suggestion]] = {}
        for start in range(0, len(known), BATCH):
            batch = known[start:start + BATCH]
            rows = self.matrix[[self.customer_index[c] for c in batch]]
            scores = (rows @ self.similarity).toarray()
            popular = self.buyers / max(1.0, self.buyers.max()) * 1e-6  # breaks ties, fills the rest
            ranked = np.where(scores > 0, scores + popular, popular if fill else -np.inf)
            ranked[rows.nonzero()] = -np.inf
            for customer, row_scores, row_raw in zip(batch, ranked, scores, strict=True):
                top = _top(row_scores, k)
                result[customer] = [Suggestion(self.items[j], round(float(row_raw[j]), 4),
                                               "co-purchase" if row_raw[j] > 0 else "popular")
                                    for j in top if np.isfinite(row_scores[j])]
        return result

    def popular(self, customers: Sequence[str], k: int = 10) -> dict[str, list[str]]:
        """The baseline: the ``k`` most-bought items each customer does not own yet."""
        result = {}
        for customer in customers:
            owned = self.owned(customer)
            order = np.argsort(-self.buyers, kind="stable")
            result[customer] = [self.items[j] for j in order if self.items[j] not in owned][:k]
        return result

    def rules(self, anchors: Iterable[str], min_together: int = MIN_TOGETHER, exclude: set[str] | None = None,
              per_anchor: int = 3) -> list[ItemRule]:
        """Association rules from each anchor, by lift (then customers together), lift above 1 only."""
        total = len(self.customers)
        skip = set(exclude or ())
        found: list[ItemRule] = []
        for anchor in anchors:
            a = self.item_index.get(anchor)
            if a is None:
                continue
            row = self._together[a]
            candidates = []
            for j, together in zip(row.indices, row.data, strict=True):
                item = self.items[j]
                if j == a or together < min_together or item in skip or item == anchor:
                    continue
                confidence = together / self.buyers[a]
                lift = confidence / (self.buyers[j] / total)
                if lift > 1:
                    candidates.append(ItemRule(anchor, item, int(together), int(self.buyers[a]), int(self.buyers[j]),
                                               round(float(together / total), 4), round(float(confidence), 4),
                                               round(float(lift), 2)))
            candidates.sort(key=lambda r: (-r.lift, -r.together, r.item))
            found += candidates[:per_anchor]
        return found


def _cosine(together: sp.csr_matrix, buyers: np.ndarray) -> sp.csr_matrix:
    """Cosine similarity of item buyer vectors, from the co-purchase counts (the diagonal dropped)."""
    import scipy.sparse as sp

    norms = np.sqrt(np.maximum(buyers, 1.0))
    coo = together.tocoo()
    keep = coo.row != coo.col
    values = coo.data[keep] / (norms[coo.row[keep]] * norms[coo.col[keep]])
    return sp.csr_matrix((values, (coo.row[keep], coo.col[keep])), shape=together.shape)


def _nearest(similarity: sp.csr_matrix, neighbours: int) -> sp.csr_matrix:
    """Keep each item's ``neighbours`` most similar items (less noise from one-off co-purchases)."""
    import scipy.sparse as sp

    rows, cols, values = [], [], []
    for r in range(similarity.shape[0]):
        start, end = similarity.indptr[r], similarity.indptr[r + 1]
        data, indices = similarity.data[start:end], similarity.indices[start:end]
        keep = np.argpartition(-data, neighbours)[:neighbours] if end - start > neighbours else np.arange(end - start)
        rows.append(np.full(len(keep), r))
        cols.append(indices[keep])
        values.append(data[keep])
    if not rows:
        return similarity
    return sp.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                         shape=similarity.shape)


def _top(scores: np.ndarray, k: int) -> list[int]:
    k = min(k, len(scores))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return [int(j) for j in part[np.lexsort((part, -scores[part]))]]


def purchase_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every (customer_id, product_name) bought in the store's orders, merchandise only, returns left out."""
    return [(str(c), str(p)) for c, p in con.execute(
        f"SELECT DISTINCT customer_id, product_name FROM orders WHERE NOT is_return AND product_name IS NOT NULL "
        f"AND {MERCHANDISE_SQL}").fetchall()]


def shop_model(con: duckdb.DuckDBPyConnection, neighbours: int = DEFAULT_NEIGHBOURS) -> CoPurchaseModel | None:
    """The co-purchase model of the shop in ``con``'s snapshot, or None when nobody bought a named product."""
    pairs = purchase_pairs(con)
    return CoPurchaseModel.fit(pairs, neighbours) if pairs else None
