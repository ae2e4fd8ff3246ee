"""Compute and store ``customer_features``: behaviour + model scores + lifecycle + value tier.

Features are refreshed by the commands that change data (an ingest of orders or customers, or
``segment-agent features``), inside the same write transaction, so a reader never sees orders without
the features that describe them. Read commands never refresh: when the rules in segment-agent.toml
changed since the last refresh, they answer from the stored features and warn (:func:`feature_warnings`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tools.behaviour.customer_models import add_model_scores
from tools.behaviour.features import behaviour_features, last_order_date
from tools.behaviour.lifecycle import assign_lifecycle, assign_value_tier, load_rules, shop_typical_gap
from tools.errors import UserError
from tools.results import Column, Kind, Table, ToolResult
from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

Progress = Callable[[str], None]
MODEL_VERSION = "bgnbd-gg-1"
NO_FEATURES = "Customer features are not computed yet: run  segment-agent features  (or ingest orders first)."


@dataclass
class FeatureRun(ToolResult):
    """What a refresh computed: counts per stage and tier, the model fit and any warnings."""

    as_of: str
    customers: int
    lifecycle_counts: dict[str, int]
    value_counts: dict[str, int]
    shop_typical_gap_days: float
    model: dict[str, object]
    rules: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def facts(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "customers": self.customers, "lifecycle_counts": self.lifecycle_counts,
                "value_counts": self.value_counts, "shop_typical_gap_days": round(self.shop_typical_gap_days, 1)}

    def tables(self) -> list[Table]:
        rows = [["lifecycle", stage, count] for stage, count in self.lifecycle_counts.items()]
        rows += [["value tier", tier, count] for tier, count in self.value_counts.items()]
        return [Table(f"{self.customers:,} customers as of {self.as_of}",
                      [Column("axis"), Column("group"), Column("customers", Kind.COUNT)], rows)]

    def row_count(self) -> int:
        return self.customers


def refresh_features(shop: Shop, as_of: datetime | None = None, progress: Progress | None = None) -> FeatureRun:
    """Recompute every customer's features as of ``as_of`` and store them in one write.

    Without ``as_of`` the date is kept from the last refresh if that one was given explicitly, else it is the
    last order date (historical shops must work; never silently today). Joins the caller's write when
    there is one (an ingest refreshes inside its own transaction).
    """
    started = time.perf_counter()
    notify = progress or (lambda _message: None)
    lifecycle_rules, tier_rules = load_rules(shop.settings)
    with shop.writing() as con:
        explicit = as_of is not None
        if as_of is None:
            as_of, explicit = _kept_as_of(shop, con)
        as_of = as_of or last_order_date(con)
        notify("behaviour features")
        frame = behaviour_features(con, as_of)
        fingerprint = _fingerprint(con, shop)
        notify("probability models")
        frame, model_info = add_model_scores(frame)
        notify("lifecycle and value tiers")
        frame = assign_value_tier(assign_lifecycle(frame, lifecycle_rules), tier_rules)
        frame["days_overdue"] = (frame["recency_days"] - frame["reference_gap_days"]).round(1)
        run = FeatureRun(
            as_of=str(frame["as_of"].iloc[0].date()),
            customers=len(frame),
            lifecycle_counts={k: int(v) for k, v in frame["lifecycle"].value_counts().items()},
            value_counts={k: int(v) for k, v in frame["value_tier"].value_counts().items()},
            shop_typical_gap_days=shop_typical_gap(frame, lifecycle_rules),
            model=model_info.summary,
            rules={"lifecycle": asdict(lifecycle_rules), "value_tiers": asdict(tier_rules)},
            warnings=list(model_info.warnings),
        )
        notify("saving")
        with registered(con, "computed", frame):
            con.execute("CREATE OR REPLACE TABLE customer_features AS SELECT * FROM computed")
        con.execute(
            "CREATE OR REPLACE TABLE feature_runs AS SELECT ?::TIMESTAMP AS as_of, ? AS as_of_explicit, "
            "?::TIMESTAMP AS computed_at, ? AS fingerprint, ? AS run",
            [as_of, explicit, shop.now(), fingerprint, json.dumps(asdict(run), default=str)],
        )
        _append_history(con, shop.now())
    run.seconds = round(time.perf_counter() - started, 2)
    return run


def _kept_as_of(shop: Shop, con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, bool]:
    """The previous refresh's as_of when the user chose it (``features --as-of``), so a new ingest keeps it."""
    if not shop.store.has_table("feature_runs"):
        return None, False
    row = con.execute("SELECT as_of, as_of_explicit FROM feature_runs").fetchone()
    return (row[0], True) if row and row[1] else (None, False)


def _append_history(con: duckdb.DuckDBPyConnection, computed_at: datetime) -> None:
    """Snapshot stage and tier per customer so ``whats_changed`` can compare runs."""
    con.execute(
        """INSERT INTO lifecycle_history
           SELECT (SELECT coalesce(max(run_id), 0) + 1 FROM lifecycle_history), ?::TIMESTAMP, as_of,
                  customer_id, lifecycle, value_tier, monetary
           FROM customer_features""", [computed_at])


def has_features(shop: Shop) -> bool:
    """Whether features have been computed at least once."""
    return shop.store.has_table("customer_features")


def require_features(shop: Shop) -> list[str]:
    """Raise a UserError saying what to run when there are no features; warnings when they are stale."""
    if not has_features(shop):
        with shop.reading() as con:
            has_orders = con.execute("SELECT count(*) FROM orders").fetchone()[0] > 0
        if not has_orders:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        raise UserError(NO_FEATURES)
    return feature_warnings(shop)


def feature_warnings(shop: Shop) -> list[str]:
    """A warning when the stored features were computed from other data or rules than those in force now."""
    with shop.reading() as con:
        stored = con.execute("SELECT fingerprint FROM feature_runs").fetchone()
        current = _fingerprint(con, shop)
    if stored is not None and stored[0] == current:
        return []
    return ["The customer features were computed with other lifecycle/value rules or data than now (segment-agent."
            "toml or the loaded files changed); run  segment-agent features  to bring them up to date."]


def latest_run(shop: Shop) -> FeatureRun:
    """The stored summary of the last refresh."""
    require_features(shop)
    with shop.reading() as con:
        payload = json.loads(con.execute("SELECT run FROM feature_runs").fetchone()[0])
    return FeatureRun(**payload)


def _fingerprint(con: duckdb.DuckDBPyConnection, shop: Shop) -> str:
    """Orders and customers loaded (by ingest id) + the rules in force: when either changes, features are stale."""
    sources = con.execute(
        "SELECT list(id ORDER BY id) FROM ingest_log WHERE active AND table_name IN ('orders', 'customers')"
    ).fetchone()[0]
    lifecycle_rules, tier_rules = load_rules(shop.settings)
    return json.dumps([sources, asdict(lifecycle_rules), asdict(tier_rules), MODEL_VERSION])
