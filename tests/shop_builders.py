"""Tiny shops written into ``tmp_path``, plus helpers to run the CLI on them and inspect the workspace.

Used by the ingest and workspace tests; every builder returns the path of the file it wrote.
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path
from typing import Any

import typer.main
import typer.testing
from typer.testing import CliRunner, Result

ORDERS_HEADER = ("customer_id", "order_date", "amount")
GOOD_ORDERS = [("c1", "2024-01-05", "10.00"), ("c2", "2024-01-06", "20.50"), ("c1", "2024-02-01", "5.25")]


@functools.cache
def _cli_command() -> Any:
    from agent.cli import app

    return typer.main.get_command(app)


class _OneBuildRunner(CliRunner):
    """A CliRunner that builds the Click command once: Typer rebuilds the whole command tree on every
    ``invoke`` (tens of milliseconds each), which would dominate these tests. Falls back to plain
    ``invoke`` if a Typer release renames the hook."""

    def invoke(self, app: Any, args: Any = None, **kwargs: Any) -> Result:
        original = getattr(typer.testing, "_get_command", None)
        if original is None:
            return super().invoke(app, args, **kwargs)
        typer.testing._get_command = lambda _app: _cli_command()
        try:
            return super().invoke(app, args, **kwargs)
        finally:
            typer.testing._get_command = original


# A wide console keeps rich from wrapping long tmp paths inside messages.
RUNNER = _OneBuildRunner(env={"COLUMNS": "400", "SEGMENT_AGENT_DEBUG": None})


def write_text(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``tmp_path/name`` (gzipped when the name ends in .gz)."""
    path = tmp_path / name
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def write_rows(
    tmp_path: Path,
    name: str,
    rows: list[tuple[str, ...]],
    header: tuple[str, ...] = ORDERS_HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write a header and rows joined by ``delimiter`` (no quoting: pass cells that need none)."""
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    return write_text(tmp_path, name, "\n".join(lines) + "\n", encoding)


def good_orders(tmp_path: Path, name: str = "orders.csv") -> Path:
    """Three clean order lines for two customers."""
    return write_rows(tmp_path, name, GOOD_ORDERS)


def run_cli(workspace: Path, *args: str) -> Result:
    """Run ``segment-agent -w WORKSPACE ARGS`` in-process."""
    from agent.cli import app

    return RUNNER.invoke(app, ["-w", str(workspace), *args])


def error_message(result: Result) -> str:
    """The user-facing error on stderr, on one line, without the ``error:`` prefix."""
    text = " ".join(result.stderr.split())
    return text.removeprefix("error:").strip()


def sentences(message: str) -> list[str]:
    """Split a message into sentences (a full stop followed by a space and a capital letter)."""
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z])", message) if part]


def open_shop(workspace: Path, create: bool = False, **providers: Any) -> Any:
    """A Shop on ``workspace`` with the given providers (encoder=…, writer=…), as a command would open it."""
    from tools.runtime.shop import Providers, Shop

    return Shop(workspace, providers=Providers(**providers), create=create)


def workspace_snapshot(workspace: Path) -> dict | None:
    """Row counts, amount total and the whole ingest log, or None when there is no store at all."""
    from tools.store.store import Store, store_exists

    if not store_exists(workspace):
        return None
    store = Store(workspace)
    try:
        with store.reading() as con:
            snapshot: dict = {
                name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in ("orders", "customers", "texts")
            }
            snapshot["amount"] = con.execute("SELECT round(sum(amount), 2) FROM orders").fetchone()[0]
            snapshot["ingest_log"] = con.execute(
                "SELECT * EXCLUDE (started_at) FROM ingest_log ORDER BY id").fetchall()
        return snapshot
    finally:
        store.close()


def query(workspace: Path, sql: str) -> list[tuple]:
    """Run a read-only query on the workspace store."""
    from tools.store.store import Store

    store = Store(workspace)
    try:
        with store.reading() as con:
            return con.execute(sql).fetchall()
    finally:
        store.close()
