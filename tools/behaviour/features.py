"""Per-customer behaviour features as of a date: RFM, rhythm, category mix (DESIGN.md §5).

Computed in DuckDB straight from the order lines, so a million-line shop takes seconds. An order is
all lines sharing an order_id (or, without order ids, a customer's lines on one day); an order made
only of returns is not a purchase, but its amount still nets off the customer's revenue.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

FEATURES_SQL = """
WITH lines AS (
    SELECT customer_id, coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d')) AS oid,
           order_date, amount, is_return, category, country
    FROM orders WHERE order_date <= $as_of),
per_order AS (
    SELECT customer_id, oid, min(order_date) AS ordered_at, sum(amount) AS amount,
           bool_and(is_return) AS only_returns
    FROM lines GROUP BY customer_id, oid),
purchases AS (SELECT * FROM per_order WHERE NOT only_returns),
days AS (
    SELECT DISTINCT customer_id, date_trunc('day', ordered_at) AS day FROM purchases),
gaps AS (
    SELECT customer_id, date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap
    FROM days),
rhythm AS (
    SELECT customer_id, median(gap) AS typical_gap_days, sum(ln(gap)) AS log_gap_sum
    FROM gaps WHERE gap IS NOT NULL GROUP BY customer_id),
summary AS (
    SELECT customer_id, min(ordered_at) AS first_order, max(ordered_at) AS last_order, count(*) AS frequency,
           count(DISTINCT date_trunc('day', ordered_at)) AS purchase_days, sum(amount) AS gross_spend
    FROM purchases GROUP BY customer_id),
net AS (SELECT customer_id, sum(amount) AS monetary FROM lines GROUP BY customer_id),
category_spend AS (
    SELECT customer_id, category, sum(amount) AS spend,
           row_number() OVER (PARTITION BY customer_id ORDER BY sum(amount) DESC, category) AS rank
    FROM lines WHERE category IS NOT NULL AND NOT is_return GROUP BY customer_id, category),
category_total AS (SELECT customer_id, sum(spend) AS spend FROM category_spend GROUP BY customer_id),
country AS (
    SELECT customer_id, mode(country) AS country FROM lines WHERE country IS NOT NULL GROUP BY customer_id)
SELECT s.customer_id,
       CAST($as_of AS TIMESTAMP) AS as_of,
       s.first_order, s.last_order,
       date_diff('day', date_trunc('day', s.last_order), date_trunc('day', CAST($as_of AS TIMESTAMP)))
           AS recency_days,
       s.frequency, s.purchase_days,
       n.monetary,
       date_diff('day', date_trunc('day', s.first_order), date_trunc('day', CAST($as_of AS TIMESTAMP)))
           AS tenure_days,
       s.gross_spend / s.frequency AS aov,
       r.typical_gap_days,
       coalesce(r.log_gap_sum, 0) AS log_gap_sum,
       c.category AS top_category,
       c.spend / nullif(ct.spend, 0) AS top_category_share,
       coalesce(k.country, cu.country) AS country
FROM summary s
JOIN net n USING (customer_id)
LEFT JOIN rhythm r USING (customer_id)
LEFT JOIN category_spend c ON c.customer_id = s.customer_id AND c.rank = 1
LEFT JOIN category_total ct ON ct.customer_id = s.customer_id
LEFT JOIN country k ON k.customer_id = s.customer_id
LEFT JOIN (SELECT customer_id, any_value(country) AS country FROM customers GROUP BY customer_id) cu
       ON cu.customer_id = s.customer_id
ORDER BY s.customer_id
"""


def last_order_date(con: duckdb.DuckDBPyConnection) -> datetime:
    """The default ``as_of``: the last order in the data, never today (historical shops must work)."""
    last = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
    if last is None:
        raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
    return last


def behaviour_features(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    """One row per customer with at least one purchase on or before ``as_of``."""
    as_of = as_of.replace(hour=23, minute=59, second=59, microsecond=0)
    frame = con.execute(FEATURES_SQL, {"as_of": as_of}).df()
    if frame.empty:
        raise UserError(f"No purchases on or before {as_of.date()}: choose a later --as-of date.")
    return frame
