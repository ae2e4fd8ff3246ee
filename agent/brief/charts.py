"""The brief's charts, drawn from its steps' data with matplotlib (Agg, offline): PNG bytes, same data same bytes.

Three figures, each from one result type wherever it appears in the brief: the KPI trend (net revenue bars,
orders line), the lifecycle flow (customers per stage then and now, and the moves between stages), and the
segment share change (points per segment since the previous brief, or today's shares on a first brief).
Figures are built on ``matplotlib.figure.Figure`` with the Agg canvas — no pyplot, no global state, no
display — and saved without a "Software" tag so re-running a brief rewrites identical files.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tools.behaviour.changes import STAGE_ORDER, LifecycleMovers
from tools.behaviour.trend import KpiTrend
from tools.segments.drift import SegmentDrift

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from agent.brief.runner import BriefRun

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 3.2, 100
INK, MUTED, ACCENT, UP, DOWN = "#1d2430", "#5b6575", "#2a6f97", "#2e7d32", "#c62828"
STAGE_COLOURS = {"new": "#7cb5ec", "active": "#2e7d32", "lapsing": "#f0a30a", "lapsed": "#c62828"}


@dataclass(frozen=True)
class Chart:
    """One rendered chart: a file-friendly name, a title, alt text, the section it belongs to, and the PNG."""

    name: str
    title: str
    alt: str
    section: int
    png: bytes
    width: int = int(WIDTH_IN * DPI)
    height: int = int(HEIGHT_IN * DPI)


def brief_charts(run: BriefRun) -> list[Chart]:
    """Every chart the brief's results call for, in section order (sections with ``chart: false`` get none)."""
    drawers: dict[type, tuple[str, str, Callable[[Any, Figure], str]]] = {
        KpiTrend: ("kpi_trend", "KPI trend", _kpi_trend),
        LifecycleMovers: ("lifecycle_flow", "Lifecycle flow", _lifecycle_flow),
        SegmentDrift: ("segment_share_change", "Segment share change", _segment_shares),
    }
    charts, used = [], set()
    for section in run.shown:
        script_section = run.script.script.sections[section.index] if section.index >= 0 else None
        if script_section is not None and not script_section.chart:
            continue
        for step in section.answer.steps:
            drawer = drawers.get(type(step.result))
            if drawer is None or not _has_data(step.result):
                continue
            name, title, draw = drawer
            name = name if name not in used else f"{name}_{section.position + 1}"
            used.add(name)
            figure = _figure()
            alt = draw(step.result, figure)
            charts.append(Chart(name, title, alt, section.position, _png(figure)))
    return charts


def _has_data(result: Any) -> bool:
    if isinstance(result, KpiTrend):
        return bool(result.points)
    if isinstance(result, SegmentDrift):
        return bool(result.segments)
    return bool(result.counts_now)


def _figure() -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    figure.patch.set_facecolor("white")
    return figure


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _style(axes: Any) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=MUTED, labelsize=8)
    axes.title.set_color(INK)


def _kpi_trend(result: KpiTrend, figure: Figure) -> str:
    axes = figure.add_subplot()
    labels = [point["end"][5:] for point in result.points]
    revenue = [point["net_revenue"] or 0 for point in result.points]
    axes.bar(range(len(labels)), revenue, color=[ACCENT] * (len(labels) - 1) + [INK], width=0.7)
    axes.set_xticks(range(len(labels)), labels, rotation=0 if len(labels) <= 14 else 45)
    axes.set_ylabel("net revenue", color=MUTED, fontsize=9)
    axes.set_title(f"Net revenue and orders per {result.period_days}-day period (to {result.end})", fontsize=10)
    _style(axes)
    orders = axes.twinx()
    orders.plot(range(len(labels)), [point["orders"] for point in result.points], color=UP, marker="o",
                markersize=3, linewidth=1.5)
    orders.set_ylabel("orders", color=UP, fontsize=9)
    orders.set_ylim(bottom=0)
    orders.tick_params(colors=UP, labelsize=8)
    orders.spines["top"].set_visible(False)
    return (f"Bar chart of net revenue per {result.period_days}-day period for {len(labels)} periods to "
            f"{result.end}, with orders as a line.")


def _lifecycle_flow(result: LifecycleMovers, figure: Figure) -> str:
    stages = [s for s in STAGE_ORDER if s in result.counts_now or s in result.counts_then]
    counts, moves = figure.subplots(1, 2, width_ratios=(1.1, 1))
    positions = range(len(stages))
    if result.baseline == "none":
        counts.bar(positions, [result.counts_now.get(s, 0) for s in stages],
                   color=[STAGE_COLOURS.get(s, ACCENT) for s in stages])
    else:
        counts.bar([p - 0.2 for p in positions], [result.counts_then.get(s, 0) for s in stages], width=0.4,
                   color="#c9d1dc", label=f"then ({result.baseline_date})")
        counts.bar([p + 0.2 for p in positions], [result.counts_now.get(s, 0) for s in stages], width=0.4,
                   color=[STAGE_COLOURS.get(s, ACCENT) for s in stages], label=f"now ({result.as_of})")
        counts.legend(fontsize=8, frameon=False)
    counts.set_xticks(list(positions), stages)
    counts.set_title("Customers per lifecycle stage", fontsize=10)
    _style(counts)
    matrix = [[next((m["customers"] for m in result.moves if m["from"] == a and m["to"] == b), 0) for b in stages]
              for a in stages]
    moves.imshow(matrix, cmap="Blues", aspect="auto")
    for row, values in enumerate(matrix):
        for column, value in enumerate(values):
            if row != column:
                moves.text(column, row, f"{value:,}", ha="center", va="center", fontsize=8,
                           color="white" if value > max(max(v) for v in matrix) / 2 else INK)
    moves.set_xticks(list(positions), stages)
    moves.set_yticks(list(positions), stages)
    moves.set_xlabel("to", color=MUTED, fontsize=9)
    moves.set_ylabel("from", color=MUTED, fontsize=9)
    moves.set_title("Moves between stages", fontsize=10)
    moves.tick_params(colors=MUTED, labelsize=8)
    return (f"Bars of customers per lifecycle stage then and now, and a grid of how many customers moved from each "
            f"stage to each other stage ({result.movers_total:,} in all).")


def _segment_shares(result: SegmentDrift, figure: Figure) -> str:
    axes = figure.add_subplot()
    segments = sorted(result.segments, key=lambda s: s["id"])
    labels = [f"{s['id']} · {_short(s['name'])}" for s in segments]
    if result.baseline_date is None:
        values = [s["share_now"] * 100 for s in segments]
        axes.barh(labels, values, color=ACCENT)
        axes.set_xlabel("share of segmented customers (%)", color=MUTED, fontsize=9)
        axes.set_title(f"Segment shares on {result.as_of}", fontsize=10)
        alt = f"Horizontal bars of each segment's share of customers on {result.as_of}."
    else:
        values = [s["share_change_points"] for s in segments]
        axes.barh(labels, values, color=[UP if v >= 0 else DOWN for v in values])
        axes.axvline(0, color=MUTED, linewidth=0.8)
        axes.set_xlabel("share change (percentage points)", color=MUTED, fontsize=9)
        axes.set_title(f"Segment share change, {result.baseline_date} → {result.as_of} (PSI {result.psi:.4f})",
                       fontsize=10)
        alt = (f"Horizontal bars of each segment's share change in points between {result.baseline_date} and "
               f"{result.as_of}.")
    axes.invert_yaxis()
    _style(axes)
    return alt


def _short(name: str, limit: int = 28) -> str:
    """A segment name fit for an axis label; "$" escaped so matplotlib never reads customer words as maths."""
    text = name if len(name) <= limit else name[: limit - 1] + "…"
    return text.replace("$", r"\$")
