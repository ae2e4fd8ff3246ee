"""Where output goes: rich output for people on stdout, errors and progress on stderr, JSON for scripts.

Consoles are created per call so that test runners which swap ``sys.stdout`` capture everything. When
stdout is not a terminal (a pipe, a file) lines are laid out wide rather than cut at 80 columns.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.text import Text

PIPE_WIDTH = 200


def out() -> Console:
    """Console for normal output (stdout)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False, width=_width(sys.stdout))


def err() -> Console:
    """Console for errors, warnings and progress (stderr), so stdout stays clean for --json and pipes."""
    return Console(file=sys.stderr, highlight=False, soft_wrap=True, width=_width(sys.stderr))


def print_json(payload: Any) -> None:
    """Print ``payload`` (already plain JSON types) as JSON on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def warn(message: str) -> None:
    """Print a warning line on stderr (the message is plain text, never markup)."""
    err().print(Text.assemble(("warning: ", "yellow"), message))


def _width(stream: Any) -> int | None:
    isatty = getattr(stream, "isatty", None)
    return None if isatty is not None and isatty() else PIPE_WIDTH
