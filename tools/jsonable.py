"""Convert numpy/pandas scalars into plain Python values that print and serialise cleanly."""

from __future__ import annotations

from typing import Any


def to_plain(value: Any, digits: int = 3) -> Any:
    """None for NaN/NaT, ISO dates for timestamps, Python numbers rounded to ``digits`` for floats."""
    if value is None:
        return None
    try:
        if value != value:  # NaN and NaT are the only values unequal to themselves
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if hasattr(value, "item"):
        value = value.item()
    return round(value, digits) if isinstance(value, float) else value
