"""How a value reads to a person, by the kind of its column: the one place numbers become text.

Every renderer (terminal, Markdown, Slack) formats through :func:`format_cell`, so a share reads "62%" and a
lift "4.4×" wherever a person sees them; JSON keeps the raw numbers.
"""

from __future__ import annotations

from typing import Any

from tools.results import Kind


def format_cell(value: Any, kind: Kind = Kind.TEXT) -> str:
    """``value`` for a person: separators, two decimals for money, percentages for shares, '–' for missing."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _number(float(value) if isinstance(value, float) else value, kind)
    return str(value)


def _number(value: float | int, kind: Kind) -> str:
    if kind is Kind.MONEY:
        return f"{value:,.2f}"
    if kind is Kind.SHARE:
        text = f"{value * 100:.1f}%"
        return text.replace(".0%", "%")
    if kind is Kind.CHANGE:
        return f"{value:+.1f}%"
    if kind is Kind.POINTS:
        return f"{value:+.1f} pts"
    if kind is Kind.LIFT:
        return f"{value:.1f}×"
    if kind is Kind.PROBABILITY:
        return f"{value:.2f}"
    if isinstance(value, int) or float(value).is_integer() and kind in (Kind.COUNT, Kind.DAYS, Kind.ID):
        return f"{int(value):,}" if kind is not Kind.ID else str(int(value))
    if kind is Kind.DAYS:
        return f"{value:,.1f}"
    return f"{value:,.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"


def is_numeric(kind: Kind) -> bool:
    """Whether a column of this kind right-aligns (and must never be cut)."""
    return kind in (Kind.COUNT, Kind.NUMBER, Kind.MONEY, Kind.SHARE, Kind.CHANGE, Kind.POINTS, Kind.LIFT,
                    Kind.PROBABILITY, Kind.DAYS)
