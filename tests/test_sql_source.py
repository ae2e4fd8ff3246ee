"""SQL sources: a query's rows go through the same mapping, validation and load as the same rows in a file.

Fast tests use a SQLite file; the slow test starts a real PostgreSQL server (initdb + pg_ctl on a free
loopback port, as an unprivileged user when running as root) and compares its ingest with the file ingest.
"""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shop_builders import error_message, run_cli, workspace_snapshot

RETAIL = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "online_retail" / "online_retail.csv.gz"
SLICE_ROWS = 3000
ORDER_COLUMNS = "customer_id, order_id, order_date, amount, quantity, unit_price, product_id, category, country"


def _slice() -> tuple[list[str], list[list[str]]]:
    with gzip.open(RETAIL, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [row for _, row in zip(range(SLICE_ROWS), reader, strict=False)]


@pytest.fixture(scope="module")
def retail_slice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[list[str]]]:
    if not RETAIL.exists():
        pytest.skip(f"{RETAIL} is missing")
    header, rows = _slice()
    path = tmp_path_factory.mktemp("slice") / "retail.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path, header, rows


def _sqlite(tmp_path: Path, header: list[str], rows: list[list[str]]) -> str:
    db = tmp_path / "shop.db"
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE retail ({', '.join(f'{name} TEXT' for name in header)})")
    con.executemany(f"INSERT INTO retail VALUES ({', '.join('?' * len(header))})", rows)
    con.commit()
    con.close()
    return f"sqlite:///{db}"


def _orders(workspace: Path) -> list[tuple]:
    from tools.store.store import Store

    store = Store(workspace)
    try:
        with store.reading() as con:
            return con.execute(f"SELECT {ORDER_COLUMNS} FROM orders ORDER BY ALL").fetchall()
    finally:
        store.close() if hasattr(store, "close") else None


def _assert_same_as_file(tmp_path: Path, url: str, file: Path) -> None:
    from_file, from_sql = tmp_path / "file_ws", tmp_path / "sql_ws"
    result = run_cli(from_file, "ingest", "orders", str(file), "--preset", "online-retail")
    assert result.exit_code == 0, result.output
    result = run_cli(from_sql, "ingest", "orders", "--url", url, "--query", "SELECT * FROM retail",
                     "--preset", "online-retail")
    assert result.exit_code == 0, result.output
    expected = _orders(from_file)
    assert len(expected) > 1500
    assert _orders(from_sql) == expected
    again = run_cli(from_sql, "ingest", "orders", "--url", url, "--query", "SELECT * FROM retail",
                    "--preset", "online-retail", "--json")
    assert again.exit_code == 0 and '"unchanged"' in again.stdout


def test_sqlite_query_matches_file_ingest(tmp_path: Path, retail_slice) -> None:
    file, header, rows = retail_slice
    _assert_same_as_file(tmp_path, _sqlite(tmp_path, header, rows), file)


@pytest.mark.parametrize(("url", "query", "words"), [
    ("nosuchdialect://u:s3cret@host/db", "SELECT 1", "not a usable database URL"),
    ("sqlite:///{db}", "SELECT nope FROM retail", "no such column"),
    ("sqlite:///{db}", "SELECT * FROM missing_table", "no such table"),
])
def test_bad_source_is_one_sentence_and_leaves_workspace(tmp_path: Path, retail_slice, url: str, query: str,
                                                          words: str) -> None:
    _, header, rows = retail_slice
    db = _sqlite(tmp_path, header, rows).removeprefix("sqlite:///")
    workspace = tmp_path / "ws"
    before = workspace_snapshot(workspace)
    result = run_cli(workspace, "ingest", "orders", "--url", url.format(db=db), "--query", query,
                     "--preset", "online-retail")
    assert result.exit_code == 1
    message = error_message(result)
    assert words in message and "s3cret" not in result.output
    assert workspace_snapshot(workspace) == before


def test_file_and_url_together_are_refused(tmp_path: Path, retail_slice) -> None:
    file, _, _ = retail_slice
    result = run_cli(tmp_path / "ws", "ingest", "orders", str(file), "--url", "sqlite://", "--query", "SELECT 1")
    assert result.exit_code == 2 and "either a FILE or --url" in result.output


# --- a real PostgreSQL server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    initdb = shutil.which("initdb") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))), None)
    if initdb is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    bin_dir = Path(initdb).resolve().parent
    # pytest's temp root is private to root, and initdb refuses to run as root: a traversable folder of its own.
    home = Path(tempfile.mkdtemp(prefix="segment-agent-pg-"))
    os.chmod(home, 0o755)
    data = Path(tempfile_dir := str(home / "pg"))
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "nobody")
    pw = home / "pw"
    pw.write_text("s3cret\n")
    os.chmod(pw, 0o644)
    subprocess.run(_as_user([str(bin_dir / "initdb"), "-D", tempfile_dir, "-U", "shop", "--pwfile", str(pw),
                             "-A", "scram-sha-256"]), check=True, capture_output=True)
    port = _free_port()
    subprocess.run(_as_user([str(bin_dir / "pg_ctl"), "-D", tempfile_dir, "-w", "-l", f"{tempfile_dir}/log",
                             "-o", f"-h 127.0.0.1 -p {port} -k {tempfile_dir}", "start"]),
                   check=True, capture_output=True)
    try:
        yield port, bin_dir, data
    finally:
        subprocess.run(_as_user([str(bin_dir / "pg_ctl"), "-D", tempfile_dir, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@pytest.mark.slow
def test_postgres_query_matches_file_ingest(tmp_path: Path, retail_slice, postgres) -> None:
    import psycopg

    port, _, _ = postgres
    file, header, rows = retail_slice
    with psycopg.connect(host="127.0.0.1", port=port, user="shop", password="s3cret", dbname="postgres") as con:
        quoted = [f'"{name}"' for name in header]  # Postgres folds unquoted names to lower case
        con.execute(f"CREATE TABLE retail ({', '.join(f'{name} TEXT' for name in quoted)})")
        with con.cursor().copy(f"COPY retail ({', '.join(quoted)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    url = f"postgresql+psycopg://shop:s3cret@127.0.0.1:{port}/postgres"
    _assert_same_as_file(tmp_path, url, file)
    workspace = tmp_path / "bad"
    for bad_url, query in ((url.replace("s3cret", "wrong"), "SELECT * FROM retail"), (url, "SELECT nope FROM retail")):
        result = run_cli(workspace, "ingest", "orders", "--url", bad_url, "--query", query)
        assert result.exit_code == 1, result.output
        assert "s3cret" not in result.output and "wrong" not in result.output.replace("went wrong", "")
        assert workspace_snapshot(workspace) is None
        assert "segment-agent-sql-" not in result.output  # the staging file is never what a user is told about


@pytest.mark.slow
def test_postgres_dying_mid_stream_loads_nothing(tmp_path: Path, postgres) -> None:
    import threading

    port, bin_dir, data_dir = postgres
    killer = threading.Timer(2.0, lambda: subprocess.run(
        _as_user([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"]), capture_output=True))
    killer.start()
    query = ("SELECT 'c' || (i % 500) AS customer_id, '2011-01-02' AS order_date, '1.50' AS amount, pg_sleep(0.0005) "
             "FROM generate_series(1, 100000) AS i")
    workspace = tmp_path / "ws"
    try:
        result = run_cli(workspace, "ingest", "orders", "--url",
                         f"postgresql+psycopg://shop:s3cret@127.0.0.1:{port}/postgres", "--query", query)
    finally:
        killer.join()
    assert result.exit_code == 1, result.output
    assert "Reading from" in error_message(result) and "s3cret" not in result.output
    assert workspace_snapshot(workspace) is None
