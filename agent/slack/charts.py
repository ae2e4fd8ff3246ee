"""PNG bar charts drawn from an answer's tables (matplotlib, offline, no display needed).

Only tables whose picture says more than their rows get one: customers per segment, and customers per
lifecycle stage before and now. The chart is drawn from the same rows the table shows, so it can never
disagree with the answer.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.results import Table

# tool -> (label column, value columns, y-axis label)
CHARTED = {
    "segment_overview": ("name", ("customers",), "customers"),
    "whats_changed": ("stage", ("before", "now"), "customers"),
}
MAX_BARS = 30


def chart_png(tool: str, table: Table) -> bytes | None:
    """A bar chart of ``table`` as PNG bytes, or None when this tool's table is not charted (or is empty)."""
    spec = CHARTED.get(tool)
    if spec is None or not table.rows:
        return None
    label_name, value_names, axis = spec
    names = table.names
    if label_name not in names or any(name not in names for name in value_names):
        return None
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    rows = table.rows[:MAX_BARS]
    labels = [_label(row[names.index(label_name)]) for row in rows]
    figure = Figure(figsize=(8, 0.45 * len(rows) + 1.6), dpi=110)
    axes = figure.subplots()
    height = 0.8 / len(value_names)
    for offset, value_name in enumerate(value_names):
        values = [float(row[names.index(value_name)] or 0) for row in rows]
        positions = [index + offset * height - 0.4 + height / 2 for index in range(len(rows))]
        bars = axes.barh(positions, values, height=height, label=table.columns[names.index(value_name)].header)
        axes.bar_label(bars, labels=[f"{value:,.0f}" for value in values], padding=3, fontsize=8)
    axes.set_yticks(range(len(rows)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(axis)
    axes.set_title(table.title[:80], loc="left", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    if len(value_names) > 1:
        axes.legend(frameon=False, fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _label(value: object) -> str:
    text = str(value)
    return text if len(text) <= 32 else text[:31] + "…"
