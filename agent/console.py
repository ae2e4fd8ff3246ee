"""Where output goes: rich output for people on stdout, errors and progress on stderr, JSON for scripts.

Consoles are created per call so that test runners which swap ``sys.stdout`` capture everything. When
stdout is not a terminal (a pipe, a file) lines are laid out wide rather than cut at 80 columns.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from rich.console import Console
from rich.text import Text

PIPE_WIDTH = 200
MESSAGE_LIMIT = 1200  # characters: an error is a sentence to read, not a dump of the user's file
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]")


class _PipeAwareConsole(Console):
    """A console whose closed pipe (``… | head``) surfaces as :class:`BrokenPipeError`, so the command line
    ends every such case the same way (exit 141, no message) instead of rich's silent ``exit 1``."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def out() -> Console:
    """Console for normal output (stdout)."""
    return _PipeAwareConsole(file=sys.stdout, highlight=False, soft_wrap=False, width=_width(sys.stdout))


def err() -> Console:
    """Console for errors, warnings and progress (stderr), so stdout stays clean for --json and pipes."""
    return Console(file=sys.stderr, highlight=False, soft_wrap=True, width=_width(sys.stderr))


def print_json(payload: Any) -> None:
    """Print ``payload`` (already plain JSON types) as JSON on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def warn(message: str) -> None:
    """Print a warning line on stderr (the message is plain text, never markup)."""
    err().print(Text.assemble(("warning: ", "yellow"), plain_message(message)))


def error(message: str, label: str = "error: ") -> None:
    """Print an error on stderr: plain text (values in it are never read as markup), capped in length."""
    err().print(Text.assemble((label, "red"), plain_message(message)))


def plain_message(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """``message`` safe to print: control characters and invisible marks shown as escapes (a value from a file
    can carry a carriage return or a terminal escape sequence), and at most ``limit`` characters — the start
    and the end are kept, because the end says what to do."""
    text = _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), str(message))
    if len(text) <= limit:
        return text
    head, middle = int(limit * 0.65), ""
    for _ in range(2):  # the count's own width decides how much of the tail fits
        tail = limit - head - len(middle)
        middle = f" … ({len(text) - head - tail:,} characters left out) … "
    tail = limit - head - len(middle)
    return f"{text[:head]}{middle}{text[-tail:]}"


def _width(stream: Any) -> int | None:
    isatty = getattr(stream, "isatty", None)
    return None if isatty is not None and isatty() else PIPE_WIDTH
