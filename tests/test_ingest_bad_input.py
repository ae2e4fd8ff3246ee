"""Bad input never crashes and never changes the workspace.

Every case must exit 1 with one sentence on stderr that says what to fix, print no traceback, leave a
loaded workspace exactly as it was, and leave no workspace behind when it was the first ingest.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from shop_builders import (
    error_message,
    good_orders,
    run_cli,
    sentences,
    workspace_snapshot,
    write_rows,
    write_text,
)

import tools.ingest.load


@dataclass(frozen=True)
class BadInput:
    """A file (built in tmp_path) plus CLI options that must be refused, and what the refusal must say."""

    build: Callable[[Path], Path]
    options: tuple[str, ...] = ()
    says: tuple[str, ...] = ()
    names_file: bool = True


def _garbage(tmp: Path) -> Path:
    path = tmp / "orders.csv"
    path.write_bytes(bytes(range(256)) * 40)
    return path


def _random_bytes(tmp: Path) -> Path:
    path = tmp / "export.dat"
    path.write_bytes(random.Random(7).randbytes(4096))
    return path


def _empty(name: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(b"")
        return path

    return build


def _directory(tmp: Path) -> Path:
    path = tmp / "exports"
    path.mkdir()
    return path


def _rows(*rows: tuple[str, ...], header: tuple[str, ...] = ("customer_id", "order_date", "amount")):
    return lambda tmp: write_rows(tmp, "orders.csv", list(rows), header)


CASES: dict[str, BadInput] = {
    "missing file": BadInput(lambda tmp: tmp / "nope.csv", says=("does not exist",)),
    "empty file": BadInput(_empty("orders.csv"), says=("empty (0 bytes)",)),
    "header only": BadInput(lambda tmp: write_text(tmp, "orders.csv", "customer_id,order_date,amount\n"),
                            says=("no data rows",)),
    "blank lines only": BadInput(lambda tmp: write_text(tmp, "orders.csv", "\n \n\n"), says=("is empty",)),
    "binary garbage": BadInput(_garbage, says=("binary data",)),
    "excel workbook": BadInput(lambda tmp: write_text(tmp, "orders.xlsx", "PK\x03\x04" + "\x00" * 64),
                               says=("Excel workbook", "save the sheet as CSV")),
    "random bytes": BadInput(_random_bytes, says=("binary data",)),
    "required column missing": BadInput(
        _rows(("c1", "2024-01-01", "3"), header=("cust", "order_date", "amount")),
        says=("no column for customer_id", "columns found: cust, order_date, amount", "'cust'",
              '--map customer_id="cust"'),
    ),
    "unparseable date": BadInput(_rows(("c1", "2024-01-01", "3"), ("c2", "soon", "4")),
                                 says=("row 3", "'soon'", "order_date")),
    "non-numeric amount": BadInput(_rows(("c1", "2024-01-01", "3"), ("c2", "2024-01-02", "ten")),
                                   says=("row 3", "'ten'", "amount", "not a number")),
    "NaN amount": BadInput(_rows(("c1", "2024-01-01", "NaN"),), says=("row 2", "'NaN'", "amount")),
    "infinite amount": BadInput(_rows(("c1", "2024-01-01", "inf"),), says=("row 2", "'inf'")),
    "no customer ids": BadInput(_rows(("", "2024-01-01", "3"), (" ", "2024-01-02", "4")),
                                says=("none of its 2 rows has a customer_id", "--map customer_id=")),
    "mixed date formats": BadInput(_rows(("c1", "2024-01-31", "3"), ("c2", "31/01/2024", "4")),
                                   says=("mixes date formats", "'2024-01-31'", "'31/01/2024'", "row 3",
                                         "--date-format")),
    "no usable dates": BadInput(_rows(("c1", "", "3"), ("c2", "", "4")), says=("none of its 2 rows", "order_date")),
    "row with extra fields": BadInput(_rows(("c1", "2024-01-01", "3"), ("c2", "2024-01-02", "4", "5")),
                                      says=("line 3", "4 fields", "header has 3")),
    "first row with extra fields": BadInput(_rows(("c1", "2024-01-01", "3", "x"),),
                                            says=("line 2", "4 fields", "header has 3")),
    "zero-byte parquet": BadInput(_empty("orders.parquet"), says=("empty (0 bytes)", "Parquet")),
    "corrupt parquet": BadInput(lambda tmp: write_text(tmp, "orders.parquet", "PAR1 this is not parquet PAR1"),
                                says=("not a valid Parquet file",)),
    "damaged gzip": BadInput(lambda tmp: (tmp / "orders.csv.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
                             and tmp / "orders.csv.gz", says=("gzipped but is damaged",)),
    "directory": BadInput(_directory, says=("is a directory",)),
    "map to a missing column": BadInput(good_orders, ("--map", "customer_id=Customer ID"),
                                        says=("no column 'Customer ID'", "columns found: customer_id")),
    "map to an unknown field": BadInput(good_orders, ("--map", "custid=customer_id"),
                                        says=("no field 'custid'", "did you mean 'customer_id'"), names_file=False),
    "unknown preset": BadInput(good_orders, ("--preset", "shopify"),
                               says=("Unknown preset 'shopify'", "online-retail", "cdnow"), names_file=False),
    "append and replace": BadInput(good_orders, ("--append", "--replace"), says=("--append", "--replace"),
                                   names_file=False),
    "map without equals": BadInput(good_orders, ("--map", "customer_id"), says=("canonical=source",),
                                   names_file=False),
    "map without source": BadInput(good_orders, ("--map", "customer_id="), says=("canonical=source",),
                                   names_file=False),
    "malformed date format": BadInput(good_orders, ("--date-format", "%Q"), says=("--date-format '%Q'",),
                                      names_file=False),
}


def _refuse(workspace: Path, tmp_path: Path, name: str) -> str:
    case = CASES[name]
    path = case.build(tmp_path)
    result = run_cli(workspace, "ingest", "orders", str(path), *case.options)
    message = error_message(result)
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert len(sentences(message)) == 1, message
    for fragment in case.says:
        assert fragment in message, (fragment, message)
    if case.names_file:
        assert path.name in message
    return message


class Loaded(NamedTuple):
    """A workspace holding one good orders file: where tests use it, its untouched copy, and its snapshot."""

    workspace: Path
    pristine: Path
    snapshot: dict


@pytest.fixture(scope="module")
def loaded_workspace(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """Ingested once per module; ``workspace_copy`` restores it before each test that may change it."""
    root = tmp_path_factory.mktemp("loaded")
    result = run_cli(root / "ws", "ingest", "orders", str(good_orders(root)))
    assert result.exit_code == 0, result.output
    shutil.copytree(root / "ws", root / "pristine")
    return Loaded(root / "ws", root / "pristine", workspace_snapshot(root / "ws"))


@pytest.fixture
def workspace_copy(loaded_workspace: Loaded) -> Path:
    """The loaded workspace as it was right after its ingest, restored from the pristine copy in its own place.

    Restored in place rather than copied anywhere, so these tests check what bad input does;
    ``test_a_copied_workspace_is_still_a_workspace`` checks that a copy elsewhere opens too.
    """
    shutil.rmtree(loaded_workspace.workspace)
    shutil.copytree(loaded_workspace.pristine, loaded_workspace.workspace)
    return loaded_workspace.workspace


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_leaves_a_loaded_workspace_unchanged(
    name: str, loaded_workspace: Loaded, workspace_copy: Path, tmp_path: Path
) -> None:
    _refuse(workspace_copy, tmp_path, name)
    assert workspace_snapshot(workspace_copy) == loaded_workspace.snapshot


def test_a_copied_workspace_is_still_a_workspace(loaded_workspace: Loaded, tmp_path: Path) -> None:
    # A workspace is one folder: a backup restored elsewhere or a renamed folder must open and refuse bad
    # input like the original, not call its own catalog unreadable.
    copy = tmp_path / "restored-elsewhere"
    shutil.copytree(loaded_workspace.pristine, copy)

    _refuse(copy, tmp_path, "unparseable date")
    assert workspace_snapshot(copy) == loaded_workspace.snapshot


@pytest.mark.parametrize("name", list(CASES))
def test_bad_first_ingest_creates_no_workspace(name: str, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    _refuse(workspace, tmp_path, name)
    assert workspace_snapshot(workspace) is None
    assert run_cli(workspace, "status").exit_code == 1


class _ClockThatDies(datetime):
    """Stands in for ``datetime`` inside tools.ingest.load: the ingest log's finish time is taken after the rows
    are written, so raising there interrupts the write at its last step."""

    error: type[BaseException] = KeyboardInterrupt

    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206 - mirrors datetime.now
        raise cls.error


@pytest.mark.parametrize(("error", "exit_code"), [(KeyboardInterrupt, 130), (RuntimeError, 3)])
def test_interrupted_replace_keeps_the_previous_data(
    error: type[BaseException], exit_code: int, workspace_copy: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = workspace_snapshot(workspace_copy)
    other = write_rows(tmp_path, "other.csv", [("c9", "2024-03-01", "99")])
    monkeypatch.setattr(_ClockThatDies, "error", error)
    monkeypatch.setattr(tools.ingest.load, "datetime", _ClockThatDies)

    result = run_cli(workspace_copy, "ingest", "orders", str(other), "--replace")

    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert workspace_snapshot(workspace_copy) == before
    monkeypatch.undo()
    assert run_cli(workspace_copy, "ingest", "orders", str(other), "--replace").exit_code == 0
    assert workspace_snapshot(workspace_copy)["orders"] == 1


def test_interrupted_first_ingest_leaves_no_half_made_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "ws"
    monkeypatch.setattr(tools.ingest.load, "datetime", _ClockThatDies)

    result = run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path)))

    assert result.exit_code == 130
    assert "workspace is unchanged" in result.stderr
    assert workspace_snapshot(workspace) is None
    monkeypatch.undo()
    assert run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path))).exit_code == 0
    assert workspace_snapshot(workspace)["orders"] == 3
