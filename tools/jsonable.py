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


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: dataclasses and pydantic models become dicts, enums their values,
    numpy/pandas scalars Python numbers (NaN → None), dates ISO strings; floats keep their precision."""
    import dataclasses
    import enum

    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(item) for item in value]
    if isinstance(value, str | bool | int) or value is None:
        return value
    plain = to_plain(value, digits=12)
    return plain if isinstance(plain, str | int | float | bool) or plain is None else str(plain)
