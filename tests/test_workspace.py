"""The workspace: migrations, refusing databases it cannot trust, and ``status``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from shop_builders import error_message, good_orders, run_cli, sentences

from tools.errors import UserError
from tools.store.migrations import MIGRATIONS
from tools.store.workspace import Workspace


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path))).exit_code == 0
    return workspace


def _applied(workspace: Path) -> list[str]:
    con = duckdb.connect(str(workspace / "shop.duckdb"), read_only=True)
    try:
        return [row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY seq").fetchall()]
    finally:
        con.close()


def test_new_workspace_has_every_migration(loaded: Path) -> None:
    assert _applied(loaded) == [name for name, _ in MIGRATIONS]


def test_an_older_workspace_is_upgraded_on_open(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    con = duckdb.connect(str(tmp_path / "ws" / "shop.duckdb"))
    con.execute("CREATE TABLE schema_migrations (seq INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    name, statements = MIGRATIONS[0]
    for statement in statements:
        con.execute(statement)
    con.execute("INSERT INTO schema_migrations VALUES (0, ?, current_timestamp)", [name])
    con.close()

    with Workspace(tmp_path / "ws").connect(read_only=True) as upgraded:
        assert upgraded.execute("SELECT count(*) FROM orders").fetchone() == (0,)

    assert _applied(tmp_path / "ws") == [name for name, _ in MIGRATIONS]


def test_a_workspace_from_a_newer_release_is_refused(loaded: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(loaded / "shop.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (999, '0999_from_the_future', current_timestamp)")
    con.close()

    for args in (["status"], ["ingest", "orders", str(good_orders(tmp_path, "other.csv")), "--append"]):
        result = run_cli(loaded, *args)
        message = error_message(result)
        assert result.exit_code == 1, result.output
        assert "created by a newer segment-agent" in message
        assert "0999_from_the_future" in message and "upgrade segment-agent" in message
    assert _applied(loaded)[-1] == "0999_from_the_future"


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + bytes(200), b"name,amount\nx,1\n"])
def test_a_file_that_is_not_duckdb_is_refused(content: bytes, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "shop.duckdb").write_bytes(content)

    for args in (["status"], ["ingest", "orders", str(good_orders(tmp_path))]):
        result = run_cli(workspace, *args)
        message = error_message(result)
        assert result.exit_code == 1, result.output
        assert "shop.duckdb is not a readable segment-agent workspace" in message
        assert "move that file aside" in message
        assert len(sentences(message)) == 1
    assert (workspace / "shop.duckdb").read_bytes() == content


def test_a_corrupt_database_is_reported_at_once_not_as_busy(loaded: Path) -> None:
    db = loaded / "shop.duckdb"
    data = bytearray(db.read_bytes())
    data[4096:] = os.urandom(len(data) - 4096)
    db.write_bytes(bytes(data))

    started = time.perf_counter()
    result = run_cli(loaded, "status")

    assert result.exit_code == 1
    assert "is not a readable segment-agent workspace" in error_message(result)
    assert "busy" not in result.stderr
    assert time.perf_counter() - started < 5


def test_a_workspace_locked_by_another_writer_is_reported_as_busy(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tools.store.workspace.BUSY_WAIT_SECONDS", 0.2)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "sys.stdin.read()", str(loaded / "shop.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run_cli(loaded, "status")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)

    message = error_message(result)
    assert result.exit_code == 1
    assert "is busy: another segment-agent process is writing to it" in message
    assert len(sentences(message)) == 1


def test_a_file_given_as_the_workspace_is_refused(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "ws"
    not_a_dir.write_text("oops")

    result = run_cli(not_a_dir, "ingest", "orders", str(good_orders(tmp_path)))

    assert result.exit_code == 1
    assert "is a file" in error_message(result)


def test_opening_a_missing_workspace_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="segment-agent ingest orders FILE"):
        Workspace.open_existing(tmp_path / "nothing")
    result = run_cli(tmp_path / "nothing", "status")
    assert result.exit_code == 1
    assert "No workspace at" in error_message(result)
    assert not (tmp_path / "nothing").exists()


def test_status_lists_tables_and_sources(loaded: Path) -> None:
    result = run_cli(loaded, "status")

    assert result.exit_code == 0, result.output
    assert "orders" in result.stdout and "orders.csv" in result.stdout
    assert "Orders from 2024-01-05 to 2024-02-01" in result.stdout


def test_status_json_is_valid_json(loaded: Path) -> None:
    result = run_cli(loaded, "status", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tables"] == {"orders": {"rows": 3, "customers": 2}, "customers": {"rows": 0, "customers": 0},
                                 "texts": {"rows": 0, "customers": 0}}
    assert summary["order_dates"] == ["2024-01-05", "2024-02-01"]
    assert [source["file"].endswith("orders.csv") for source in summary["sources"]] == [True]


def test_a_failed_write_rolls_back(loaded: Path) -> None:
    workspace = Workspace(loaded)
    with pytest.raises(RuntimeError), workspace.transaction() as con:
        con.execute("DELETE FROM orders")
        raise RuntimeError("power cut")
    with workspace.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM orders").fetchone() == (3,)
