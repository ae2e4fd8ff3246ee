"""``segment_drift``: how segment sizes moved since the previous brief, with a population-stability index.

Segment ids are stable across runs (:mod:`tools.segments.runs`), so "segment 3 now" and "segment 3 in last
week's brief" are the same customers' concern and their shares can be compared. The share of each segment is
taken over the customers that have a segment; a segment present on one side only has share 0 on the other.
The PSI per segment is ``(now - then) * ln(now / then)`` with shares floored at ``PSI_FLOOR`` (the usual
guard for empty bins); the total is their sum, read with the customary thresholds: below 0.1 stable, up to
0.25 a moderate shift, above that a major one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.results import Column, Kind, Table, ToolResult

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

PSI_FLOOR = 1e-4
MODERATE_PSI = 0.1
MAJOR_PSI = 0.25


class DriftArgs(BaseModel):
    """Arguments of ``segment_drift``."""

    brief: str = Field("brief", description="Compare with the latest snapshot this brief (by name) took before the "
                                            "data's date.")


@dataclass
class SegmentDrift(ToolResult):
    """Segment sizes now and at the baseline brief, the share change of each, and the PSI.

    ``segments`` rows: id, name, customers_now, share_now, customers_then, share_then (fractions: 0.25 = 25%),
    share_change_points (percentage points: 1.2 = +1.2 points), psi. ``baseline_date`` is None when there is no
    earlier brief (then only today's sizes are given).
    """

    as_of: str
    baseline_date: str | None
    segment_run_now: int | None
    segment_run_then: int | None
    customers_now: int
    customers_then: int
    segments: list[dict[str, Any]] = field(default_factory=list)
    psi: float | None = None
    stability: str | None = None
    note: str = ""
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "baseline_date": self.baseline_date, "customers_now": self.customers_now,
                "customers_then": self.customers_then, "psi": self.psi, "stability": self.stability,
                "segments": self.segments}

    def tables(self) -> list[Table]:
        if not self.segments:
            return []
        if self.baseline_date is None:
            return [Table(f"Segment sizes, {self.as_of}", [
                Column("id", Kind.ID, "segment"), Column("name"), Column("customers_now", Kind.COUNT, "customers"),
                Column("share_now", Kind.SHARE, "share")],
                [[s["id"], s["name"], s["customers_now"], s["share_now"]] for s in self.segments])]
        return [Table(f"Segment sizes and drift, {self.baseline_date} → {self.as_of}", [
            Column("id", Kind.ID, "segment"), Column("name"), Column("customers_then", Kind.COUNT, "then"),
            Column("customers_now", Kind.COUNT, "now"), Column("share_then", Kind.SHARE, "share then"),
            Column("share_now", Kind.SHARE, "share now"), Column("share_change_points", Kind.NUMBER, "change (pts)"),
            Column("psi", Kind.NUMBER, "PSI")],
            [[s["id"], s["name"], s["customers_then"], s["customers_now"], s["share_then"], s["share_now"],
              s["share_change_points"], s["psi"]] for s in self.segments])]

    def row_count(self) -> int:
        return len(self.segments)


def segment_drift(shop: Shop, args: DriftArgs) -> SegmentDrift:
    """Segment sizes now against the previous brief's snapshot: share change and PSI per segment, and overall.

    Use for "how have the segments shifted since last week?". Needs a segmentation (``segment-agent segment``);
    without an earlier brief it gives today's sizes only.
    """
    from tools.behaviour.brief_snapshots import previous_brief_date
    from tools.behaviour.feature_store import require_features

    warnings = require_features(shop)
    with shop.reading() as con:
        as_of = con.execute("SELECT max(as_of) FROM customer_features").fetchone()[0].date()
        run_now = con.execute("SELECT max(run_id) FROM segment_runs").fetchone()[0]
        if run_now is None:
            return SegmentDrift(as_of.isoformat(), None, None, None, 0, 0, note="No segments yet: run  segment-agent "
                                "segment  to find them.", warnings=warnings)
        now = _sizes(con, "SELECT s.segment_id FROM customer_features f JOIN current_segments s USING "
                          "(customer_id)", [])
        previous = previous_brief_date(con, args.brief, as_of)
        then: dict[int, int] = {}
        run_then = None
        if previous is not None:
            then = _sizes(con, "SELECT segment_id FROM brief_snapshots WHERE brief = ? AND brief_date = ?::DATE "
                               "AND segment_id IS NOT NULL", [args.brief, previous.isoformat()])
            run_then = con.execute("SELECT segment_run_id FROM brief_runs WHERE brief = ? AND brief_date = ?::DATE",
                                   [args.brief, previous.isoformat()]).fetchone()[0]
        names = _names(con, set(now) | set(then))
    note = "" if previous is not None else "There is no earlier brief to compare with yet; sizes are today's."
    if previous is not None and not then:
        note, previous = f"The previous brief ({previous}) had no segments; sizes are today's.", None
    rows, psi = _drift_rows(now, then, names, with_baseline=previous is not None)
    return SegmentDrift(as_of.isoformat(), previous.isoformat() if previous else None, run_now, run_then,
                        sum(now.values()), sum(then.values()), rows, psi, _stability(psi), note, warnings)


def _sizes(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[int, int]:
    return {int(sid): int(n) for sid, n in con.execute(f"SELECT segment_id, count(*) FROM ({sql}) GROUP BY 1",
                                                      params).fetchall()}


def _names(con: duckdb.DuckDBPyConnection, ids: set[int]) -> dict[int, str]:
    """Each id's name in the latest run that has it (a segment that is gone keeps its last name)."""
    rows = con.execute("SELECT segment_id, arg_max(name, run_id) FROM segment_definitions GROUP BY 1").fetchall()
    return {int(sid): str(name) for sid, name in rows if int(sid) in ids}


def _drift_rows(now: dict[int, int], then: dict[int, int], names: dict[int, str],
                with_baseline: bool) -> tuple[list[dict[str, Any]], float | None]:
    total_now, total_then = sum(now.values()), sum(then.values())
    rows, psi_total = [], 0.0
    for sid in sorted(set(now) | set(then)):
        share_now = now.get(sid, 0) / total_now if total_now else 0.0
        row: dict[str, Any] = {"id": sid, "name": names.get(sid, f"segment {sid}"),
                               "customers_now": now.get(sid, 0), "share_now": round(share_now, 4)}
        if with_baseline and total_then:
            share_then = then.get(sid, 0) / total_then
            p, q = max(share_now, PSI_FLOOR), max(share_then, PSI_FLOOR)
            psi = (p - q) * math.log(p / q)
            psi_total += psi
            row.update({"customers_then": then.get(sid, 0), "share_then": round(share_then, 4),
                        "share_change_points": round((share_now - share_then) * 100, 2), "psi": round(psi, 4)})
        rows.append(row)
    return rows, round(psi_total, 4) if with_baseline and total_then else None


def _stability(psi: float | None) -> str | None:
    if psi is None:
        return None
    return "stable" if psi < MODERATE_PSI else "moderate shift" if psi <= MAJOR_PSI else "major shift"
