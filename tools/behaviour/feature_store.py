"""Compute and store ``customer_features``: behaviour + model scores + lifecycle + value tier.

The table is rebuilt whole in one transaction (readers never see half a refresh) and tagged with a
fingerprint of the orders and rules it came from, so commands that read it can refresh it only when
the data or the rules changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from tools.behaviour.customer_models import add_model_scores
from tools.behaviour.features import behaviour_features, last_order_date
from tools.behaviour.lifecycle import assign_lifecycle, assign_value_tier, load_rules, shop_typical_gap
from tools.errors import UserError
from tools.store.workspace import Workspace, registered

Progress = Callable[[str], None]


@dataclass
class FeatureRun:
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


def refresh_features(workspace_root: Path, as_of: datetime | None = None,
                     progress: Progress | None = None) -> FeatureRun:
    """Recompute every customer's features as of ``as_of`` (default: the last order date) and store them."""
    import time

    started = time.perf_counter()
    notify = progress or (lambda _message: None)
    workspace = Workspace.open_existing(workspace_root)
    lifecycle_rules, tier_rules = load_rules(workspace_root)
    with workspace.connect(read_only=True) as con:
        explicit = as_of is not None
        as_of = as_of or last_order_date(con)
        notify("behaviour features")
        frame = behaviour_features(con, as_of)
        fingerprint = _fingerprint(con, workspace_root)
    notify("probability models")
    frame, model_info = add_model_scores(frame)
    notify("lifecycle and value tiers")
    frame = assign_value_tier(assign_lifecycle(frame, lifecycle_rules), tier_rules)
    frame["days_overdue"] = (frame["recency_days"] - frame["reference_gap_days"]).round(1)
    rules = {"lifecycle": asdict(lifecycle_rules), "value_tiers": asdict(tier_rules)}
    run = FeatureRun(
        as_of=str(frame["as_of"].iloc[0].date()),
        customers=len(frame),
        lifecycle_counts={k: int(v) for k, v in frame["lifecycle"].value_counts().items()},
        value_counts={k: int(v) for k, v in frame["value_tier"].value_counts().items()},
        shop_typical_gap_days=shop_typical_gap(frame, lifecycle_rules),
        model=model_info.summary,
        rules=rules,
        warnings=list(model_info.warnings),
    )
    notify("saving")
    with workspace.transaction() as con:
        with registered(con, "computed", frame):
            con.execute("CREATE OR REPLACE TABLE customer_features AS SELECT * FROM computed")
        con.execute(
            "CREATE OR REPLACE TABLE feature_runs AS SELECT ?::TIMESTAMP AS as_of, ? AS as_of_explicit, "
            "current_timestamp AS computed_at, ? AS fingerprint, ? AS run",
            [as_of, explicit, fingerprint, json.dumps(asdict(run), default=str)],
        )
        _append_history(con)
    run.seconds = round(time.perf_counter() - started, 2)
    return run


def _append_history(con: object) -> None:
    """Snapshot stage and tier per customer so ``whats_changed`` can compare runs."""
    con.execute(  # type: ignore[attr-defined]
        """INSERT INTO lifecycle_history
           SELECT (SELECT coalesce(max(run_id), 0) + 1 FROM lifecycle_history), current_timestamp, as_of,
                  customer_id, lifecycle, value_tier, monetary
           FROM customer_features""")


def ensure_features(workspace_root: Path, progress: Progress | None = None) -> FeatureRun | None:
    """Refresh features if missing or stale (orders or rules changed); returns the run if it refreshed."""
    workspace = Workspace.open_existing(workspace_root)
    with workspace.connect(read_only=True) as con:
        current = _fingerprint(con, workspace_root)
        stored = None
        if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'feature_runs'"
                       ).fetchone()[0]:
            stored = con.execute("SELECT fingerprint, as_of, as_of_explicit FROM feature_runs").fetchone()
        has_orders = con.execute("SELECT count(*) FROM orders").fetchone()[0] > 0
    if not has_orders:
        raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
    if stored is not None and stored[0] == current:
        return None
    keep_as_of = stored[1] if stored is not None and stored[2] else None
    return refresh_features(workspace_root, keep_as_of, progress)


def latest_run(workspace_root: Path) -> FeatureRun:
    """The stored summary of the last refresh (computing features first if needed)."""
    ensure_features(workspace_root)
    with Workspace(workspace_root).connect(read_only=True) as con:
        payload = json.loads(con.execute("SELECT run FROM feature_runs").fetchone()[0])
    return FeatureRun(**payload)


def _fingerprint(con: object, workspace_root: Path) -> str:
    """Orders loaded (by ingest id) + the rules in force: when either changes, features are stale."""
    sources = con.execute(  # type: ignore[attr-defined]
        "SELECT list(id ORDER BY id) FROM ingest_log WHERE active AND table_name IN ('orders', 'customers')"
    ).fetchone()[0]
    lifecycle_rules, tier_rules = load_rules(workspace_root)
    return json.dumps([sources, asdict(lifecycle_rules), asdict(tier_rules), MODEL_VERSION])


MODEL_VERSION = "bgnbd-gg-1"
