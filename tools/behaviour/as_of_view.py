"""The shop as it was at the end of a past day: what a brief for that date (or a backfill) reads.

A weekly brief run with ``--as-of 2026-09-23`` must not count orders placed later, nor judge customers by
features refreshed on a later date. Rather than teach every tool about dates, :func:`enter_as_of` shadows the
stored tables inside the caller's read transaction: temporary views of ``orders`` and ``texts`` up to that day,
and ``customer_features`` / ``feature_runs`` computed as of it (the same pipeline as a refresh). DuckDB looks up
temporary objects first, so every tool — ones that know nothing of briefs included — answers as of that day.
The temporary objects belong to the read transaction and vanish when it ends; nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from tools.behaviour.customer_models import add_model_scores
from tools.behaviour.feature_store import FeatureRun, require_features
from tools.behaviour.feature_store import _fingerprint as current_fingerprint
from tools.behaviour.features import behaviour_features
from tools.behaviour.lifecycle import assign_lifecycle, assign_value_tier, load_rules, shop_typical_gap
from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from tools.runtime.shop import Shop

END_OF_DAY = time(23, 59, 59)


def end_of(day: date) -> datetime:
    """The last second of ``day``: features "as of" a day count every order placed on it."""
    return datetime.combine(day, END_OF_DAY)


@dataclass
class AsOfView:
    """What :func:`enter_as_of` did: the day, whether stored tables were shadowed, and the features' summary."""

    day: date
    shadowed: list[str] = field(default_factory=list)
    run: FeatureRun | None = None
    warnings: list[str] = field(default_factory=list)


def compute_features(shop: Shop, con: duckdb.DuckDBPyConnection, day: date) -> tuple[pd.DataFrame, FeatureRun]:
    """Every customer's features as of the end of ``day``, computed like a refresh but not stored."""
    lifecycle_rules, tier_rules = load_rules(shop.settings)
    frame = behaviour_features(con, end_of(day))
    frame, model_info = add_model_scores(frame)
    frame = assign_value_tier(assign_lifecycle(frame, lifecycle_rules), tier_rules)
    frame["days_overdue"] = (frame["recency_days"] - frame["reference_gap_days"]).round(1)
    run = FeatureRun(
        as_of=day.isoformat(), customers=len(frame),
        lifecycle_counts={k: int(v) for k, v in frame["lifecycle"].value_counts().items()},
        value_counts={k: int(v) for k, v in frame["value_tier"].value_counts().items()},
        shop_typical_gap_days=shop_typical_gap(frame, lifecycle_rules), model=model_info.summary,
        rules={"lifecycle": asdict(lifecycle_rules), "value_tiers": asdict(tier_rules)},
        warnings=list(model_info.warnings))
    return frame, run


def enter_as_of(shop: Shop, con: duckdb.DuckDBPyConnection, day: date) -> AsOfView:
    """Make ``con`` (inside an open read transaction) see the shop as at the end of ``day``.

    Stored features are used as they are when they were computed as of that very day from the data and rules
    in force now; otherwise they are recomputed (seconds: the model fit dominates). Call only inside
    ``shop.reading()``: the shadows live exactly as long as that transaction.
    """
    stale = require_features(shop)
    view = AsOfView(day)
    cutoff = end_of(day).isoformat(sep=" ")
    lake = shop.store.lake
    later_orders = con.execute("SELECT count(*) FROM orders WHERE order_date > ?::TIMESTAMP",
                               [cutoff]).fetchone()[0]
    if later_orders:
        con.execute(f"CREATE TEMP VIEW orders AS SELECT * FROM {lake}.main.orders "
                    f"WHERE order_date <= TIMESTAMP '{cutoff}'")
        view.shadowed.append("orders")
    later_texts = con.execute("SELECT count(*) FROM texts WHERE date > ?::TIMESTAMP", [cutoff]).fetchone()[0]
    if later_texts:
        con.execute(f"CREATE TEMP VIEW texts AS SELECT * FROM {lake}.main.texts "
                    f"WHERE date IS NULL OR date <= TIMESTAMP '{cutoff}'")
        view.shadowed.append("texts")
    stored_day = con.execute("SELECT as_of FROM feature_runs").fetchone()[0].date()
    if stored_day == day and not stale:
        return view
    frame, run = compute_features(shop, con, day)
    with registered(con, "as_of_features", frame):
        con.execute("CREATE TEMP TABLE customer_features AS SELECT * FROM as_of_features")
    # The fingerprint names the data and rules features came from: the shadow carries today's, so tools reading
    # it do not call the recomputed features stale.
    con.execute("CREATE TEMP TABLE feature_runs AS SELECT ?::TIMESTAMP AS as_of, true AS as_of_explicit, "
                "?::TIMESTAMP AS computed_at, ? AS fingerprint, ? AS run",
                [end_of(day), shop.now(), current_fingerprint(con, shop), json.dumps(asdict(run), default=str)])
    view.shadowed += ["customer_features", "feature_runs"]
    view.run = run
    view.warnings = list(run.warnings)
    return view

