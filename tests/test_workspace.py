"""The workspace store: migrations, refusing catalogs it cannot trust, round-1 upgrades, snapshots, ``status``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from shop_builders import error_message, good_orders, query, run_cli, sentences, write_rows

from tools.errors import UserError
from tools.store import store as store_module
from tools.store.migrations import MIGRATIONS
from tools.store.store import Store, StoreSettings


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path))).exit_code == 0
    return workspace


def _applied(workspace: Path) -> list[str]:
    return [row[0] for row in query(workspace, "SELECT name FROM schema_migrations ORDER BY seq")]


def test_new_workspace_has_every_migration_and_a_wal_catalog(loaded: Path) -> None:
    assert _applied(loaded) == [name for name, _ in MIGRATIONS]
    header = (loaded / "catalog.sqlite").read_bytes()[:20]
    assert header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"  # WAL mode


def test_an_older_workspace_is_upgraded_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(store_module, "MIGRATIONS", MIGRATIONS[:1])
        old = Store(tmp_path / "ws", create=True)
        old.connection()
        old.close()
    assert _applied(tmp_path / "ws") == [name for name, _ in MIGRATIONS]
    assert query(tmp_path / "ws", "SELECT count(*) FROM segment_runs") == [(0,)]


def test_a_workspace_from_a_newer_release_is_refused(loaded: Path, tmp_path: Path) -> None:
    store = Store(loaded)
    with store.writing() as con:
        con.execute("INSERT INTO schema_migrations VALUES (999, '0999_from_the_future', now()::TIMESTAMP)")
    store.close()

    for args in (["status"], ["ingest", "orders", str(good_orders(tmp_path, "other.csv")), "--append"]):
        result = run_cli(loaded, *args)
        message = error_message(result)
        assert result.exit_code == 1, result.output
        assert "created by a newer segment-agent" in message
        assert "0999_from_the_future" in message and "upgrade segment-agent" in message
    with pytest.raises(UserError, match="newer segment-agent"):
        Store(loaded).connection()


@pytest.mark.parametrize("content", [b"", b"DUCK" * 100, b"name,amount\nx,1\n"])
def test_a_catalog_that_is_not_sqlite_is_refused(content: bytes, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "catalog.sqlite").write_bytes(content)

    for args in (["status"], ["ingest", "orders", str(good_orders(tmp_path))]):
        result = run_cli(workspace, *args)
        message = error_message(result)
        assert result.exit_code == 1, result.output
        assert "catalog.sqlite is not a readable segment-agent workspace catalog" in message
        assert len(sentences(message)) == 1
    assert (workspace / "catalog.sqlite").read_bytes() == content


def test_a_damaged_catalog_is_reported_not_as_busy(loaded: Path) -> None:
    catalog = loaded / "catalog.sqlite"
    data = bytearray(catalog.read_bytes())
    data[100:] = bytes(len(data) - 100)
    catalog.write_bytes(bytes(data))

    result = run_cli(loaded, "status")

    assert result.exit_code == 1
    assert "is not a readable segment-agent workspace" in error_message(result)
    assert "busy" not in result.stderr


def _round_one_workspace(root: Path) -> Path:
    """A workspace as round 1 wrote it: one DuckDB file with the round-1 tables and rows."""
    root.mkdir(parents=True)
    con = duckdb.connect(str(root / "shop.duckdb"))
    con.execute("CREATE TABLE schema_migrations (seq INTEGER, name VARCHAR, applied_at TIMESTAMP)")
    for statements in (statements for _, statements in MIGRATIONS[:3]):
        for statement in statements:
            con.execute(statement)
    con.execute("CREATE TABLE ask_log (id INTEGER, asked_at TIMESTAMP, question VARCHAR, planner VARCHAR, "
                "steps VARCHAR, answer VARCHAR, warnings VARCHAR)")
    con.execute("INSERT INTO orders VALUES ('o1', 'c1', '2024-01-05', 10.0, 1, 10.0, NULL, 'Mug', 'Kitchen', "
                "NULL, NULL, false, NULL, 1), ('o2', 'c2', '2024-02-05', 20.0, 1, 20.0, NULL, 'Cup', 'Kitchen', "
                "NULL, NULL, false, NULL, 1)")
    con.execute("INSERT INTO ingest_log (id, table_name, file, active) VALUES (1, 'orders', 'old.csv', true)")
    con.execute("CREATE TABLE customer_features AS SELECT 'c1' AS customer_id, 'active' AS lifecycle")
    con.close()
    return root


def test_a_round_one_workspace_is_migrated_once_and_its_file_kept(tmp_path: Path) -> None:
    workspace = _round_one_workspace(tmp_path / "ws")

    result = run_cli(workspace, "status", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["steps"][0]["data"]
    assert data["counts"]["orders"] == {"rows": 2, "customers": 2}
    assert "Upgrading the workspace" in result.stderr
    assert not (workspace / "shop.duckdb").exists() and (workspace / "shop.duckdb.round1").is_file()
    assert query(workspace, "SELECT customer_id, lifecycle FROM customer_features") == [("c1", "active")]
    again = run_cli(workspace, "status")
    assert again.exit_code == 0 and "Upgrading" not in again.stderr


def test_an_unreadable_round_one_file_is_refused_and_kept(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "shop.duckdb").write_bytes(b"not a database at all" * 50)

    result = run_cli(workspace, "status")

    assert result.exit_code == 1
    assert "round-1 workspace that cannot be read" in error_message(result)
    assert (workspace / "shop.duckdb").is_file() and not (workspace / "catalog.sqlite").exists()


def test_a_writer_waits_for_another_writer_and_says_so_but_readers_never_wait(loaded: Path, tmp_path: Path) -> None:
    (loaded / "segment-agent.toml").write_text("[store]\nwriter_wait_seconds = 0.5\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
         "lock.acquire(); print('ready', flush=True); sys.stdin.read()", str(loaded / "writer.lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        reader = run_cli(loaded, "status")
        more = write_rows(tmp_path, "more.csv", [("c3", "2024-03-01", "7.50")])
        writer = run_cli(loaded, "ingest", "orders", str(more), "--append")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)

    assert reader.exit_code == 0, reader.output
    message = error_message(writer)
    assert writer.exit_code == 1
    assert "is still being written by another segment-agent process" in message
    assert "writer_wait_seconds" in message
    assert query(loaded, "SELECT count(*) FROM orders") == [(3,)]


def test_a_read_keeps_its_snapshot_while_another_connection_commits(loaded: Path) -> None:
    reader, writer = Store(loaded), Store(loaded)
    try:
        with reader.reading() as con:
            before = con.execute("SELECT count(*) FROM orders").fetchone()
            with writer.writing() as other:
                other.execute("DELETE FROM orders WHERE customer_id = 'c2'")
            assert con.execute("SELECT count(*) FROM orders").fetchone() == before == (3,)
        with reader.reading() as con:
            assert con.execute("SELECT count(*) FROM orders").fetchone() == (2,)
    finally:
        reader.close()
        writer.close()


def test_old_snapshots_are_expired_only_past_retention_and_grace(loaded: Path) -> None:
    store = Store(loaded, StoreSettings(keep_snapshots_days=0, reader_grace_seconds=0))
    try:
        for _ in range(3):
            with store.writing() as con:
                con.execute("UPDATE orders SET amount = amount + 1")
        with store.reading() as con:
            kept = con.execute(f"SELECT count(*) FROM {store.lake}.snapshots()").fetchone()[0]
    finally:
        store.close()
    assert kept <= 2
    assert query(loaded, "SELECT round(sum(amount), 2) FROM orders") == [(35.75 + 9.0,)]


def test_a_file_given_as_the_workspace_is_refused(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "ws"
    not_a_dir.write_text("oops")

    result = run_cli(not_a_dir, "ingest", "orders", str(good_orders(tmp_path)))

    assert result.exit_code == 1
    assert "is a file" in error_message(result)


def test_opening_a_missing_workspace_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="segment-agent ingest orders FILE"):
        Store(tmp_path / "nothing").connection()
    result = run_cli(tmp_path / "nothing", "status")
    assert result.exit_code == 1
    assert "No workspace at" in error_message(result)
    assert not (tmp_path / "nothing").exists()


def test_status_lists_tables_and_sources(loaded: Path) -> None:
    result = run_cli(loaded, "status")

    assert result.exit_code == 0, result.output
    assert "orders" in result.stdout and "orders.csv" in result.stdout
    assert "Orders from 2024-01-05 to 2024-02-01" in result.stdout


def test_status_json_is_the_answer_object(loaded: Path) -> None:
    result = run_cli(loaded, "status", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["planner"] == "direct" and payload["steps"][0]["tool"] == "workspace_status"
    summary = payload["steps"][0]["data"]
    assert summary["counts"] == {"orders": {"rows": 3, "customers": 2}, "customers": {"rows": 0, "customers": 0},
                                 "texts": {"rows": 0, "customers": 0}}
    assert summary["order_dates"] == ["2024-01-05", "2024-02-01"]
    assert [source["file"].endswith("orders.csv") for source in summary["sources"]] == [True]


def test_a_failed_write_rolls_back(loaded: Path) -> None:
    store = Store(loaded)
    try:
        with pytest.raises(RuntimeError), store.writing() as con:
            con.execute("DELETE FROM orders")
            raise RuntimeError("power cut")
        with store.reading() as con:
            assert con.execute("SELECT count(*) FROM orders").fetchone() == (3,)
    finally:
        store.close()
