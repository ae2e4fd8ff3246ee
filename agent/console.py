"""Where output goes: rich tables for people on stdout, errors on stderr, plain JSON for scripts.

Consoles are created per call so that test runners which swap ``sys.stdout`` capture everything.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console


def out() -> Console:
    """Console for normal output (stdout)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def err() -> Console:
    """Console for errors, warnings and progress (stderr), so stdout stays clean for --json and pipes."""
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON on stdout; dataclasses and dates are converted."""
    if is_dataclass(payload) and not isinstance(payload, type):
        payload = asdict(payload)
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def warn(message: str) -> None:
    """Print a warning line on stderr."""
    err().print(f"[yellow]warning:[/yellow] {message}", markup=True)
