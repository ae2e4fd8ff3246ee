"""Which function describes which result type (the registry :mod:`agent.narration` dispatches on)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Describer = Callable[[Any], str]
DESCRIBERS: dict[type, Describer] = {}


def describes(result_type: type) -> Callable[[Describer], Describer]:
    """Register the decorated function as the summary of ``result_type``."""
    def register(function: Describer) -> Describer:
        DESCRIBERS[result_type] = function
        return function
    return register
