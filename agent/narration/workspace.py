"""Summaries of workspace results: an ingest, a feature refresh, the status."""

from __future__ import annotations

from agent.narration.inert import md
from agent.narration.registry import describes
from tools.behaviour.feature_store import FeatureRun
from tools.ingest.load import IngestReport
from tools.store.inventory import WorkspaceSummary

NOUNS = {"orders": "order lines", "customers": "customer rows", "texts": "texts"}
VERBS = {"loaded": "Loaded", "appended": "Appended", "replaced": "Replaced with"}


@describes(IngestReport)
def ingest(report: IngestReport) -> str:
    if report.status == "unchanged":
        return (f"{md(report.file)} is already in the workspace ({report.rows_kept:,} rows kept, "
                f"{report.rows_skipped:,} skipped, {report.customers:,} customers): nothing changed.")
    text = (f"{VERBS[report.status]} **{report.rows_kept:,}** {NOUNS[report.table]} for **{report.customers:,}** "
            f"customers from {md(report.file)} in {report.seconds:.1f}s.")
    if report.features is not None:
        text += f" Customer features refreshed as of {report.features.as_of}."
    return text


@describes(FeatureRun)
def features(run: FeatureRun) -> str:
    stages = ", ".join(f"{stage} {run.lifecycle_counts.get(stage, 0):,}" for stage in ("new", "active", "lapsing",
                                                                                       "lapsed"))
    tiers = ", ".join(f"{tier} {run.value_counts.get(tier, 0):,}" for tier in ("high", "mid", "low"))
    text = f"Features for **{run.customers:,}** customers as of {run.as_of}: {stages}; value {tiers}."
    bgnbd = run.model.get("bgnbd", {})
    if isinstance(bgnbd, dict) and bgnbd.get("usable"):
        text += (f" BG/NBD (weeks, purchase days): r={bgnbd['r']}, α={bgnbd['alpha']}, a={bgnbd['a']}, "
                 f"b={bgnbd['b']}.")
    return text


@describes(WorkspaceSummary)
def status(summary: WorkspaceSummary) -> str:
    text = f"Workspace **{summary.path}** (snapshot {summary.snapshot})."
    if summary.order_dates:
        text += f" Orders from {summary.order_dates[0]} to {summary.order_dates[1]}."
    return text
