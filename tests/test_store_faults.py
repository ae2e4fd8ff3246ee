"""A full disk, a read-only workspace and a file-size limit: one sentence, exit 1, state intact; reads still answer.

The full and read-only disks are real: a small tmpfs mounted for the test (the sandbox runs tests as root).
Where mounting is not permitted those tests are skipped with the reason, and the same failure is injected
at the store instead (``test_a_write_failing_for_lack_of_space_*`` always runs). ``ulimit -f`` needs no
privilege: the command runs in a child process with RLIMIT_FSIZE lowered.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FakeEncoder, write_segment_shop
from shop_builders import RUNNER, error_message, run_cli, workspace_snapshot, write_rows

from tools.ingest.sample_shop import sample_files

SCRIPT = Path(sys.executable).parent / "segment-agent"


def _mount(target: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    target.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MB tmpfs of its own (so filling it fills nothing else); unmounted afterwards."""
    disk = tmp_path / "disk"
    if not _mount(disk, "12m"):
        pytest.skip("mounting a tmpfs needs root here; test_a_write_failing_for_lack_of_space_* covers the path")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _loaded_shop(disk: Path) -> Path:
    workspace = disk / "ws"
    paths = write_segment_shop(disk / "files")
    for table in ("orders", "customers", "texts"):
        assert run_cli(workspace, "ingest", table, str(paths[table])).exit_code == 0
    return workspace


def _fill(disk: Path) -> Path:
    """Write until the disk says it is full; returns the filler file."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for block in (1 << 20, 4096, 1):  # megabytes, then the last pages, then the last bytes
            with contextlib.suppress(OSError):
                while os.write(descriptor, b"\0" * block):
                    pass
    finally:
        os.close(descriptor)
    return filler


def _other_orders(folder: Path) -> Path:
    rows = [(f"N{n:03d}", f"2024-03-{1 + n % 28:02d}", f"{10 + n}.50") for n in range(400)]
    return write_rows(folder, "other.csv", rows, ("customer_id", "order_date", "amount"))


def _segment(workspace: Path) -> object:
    from agent.cli import app
    from agent.runtime import AgentProviders

    return RUNNER.invoke(app, ["-w", str(workspace), "segment", "--k", "3"], obj=AgentProviders(encoder=FakeEncoder()))


@pytest.mark.slow  # a real tmpfs and a loaded shop: about 10-20 s
def test_full_disk_refuses_writes_in_one_sentence_and_reads_still_answer(small_disk: Path) -> None:
    workspace = _loaded_shop(small_disk)
    other = _other_orders(small_disk / "files")
    before = workspace_snapshot(workspace)
    filler = _fill(small_disk)

    for args in (("ingest", "orders", str(other), "--replace"), ("features",),
                 ("export", "--lifecycle", "new", "--out", str(small_disk / "new.csv"))):
        result = run_cli(workspace, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "disk is full" in error_message(result) and "Traceback" not in result.output, args
        assert len(error_message(result).split(". ")) <= 2
    result = _segment(workspace)
    assert result.exit_code == 1 and "disk is full" in error_message(result), result.output

    asked = run_cli(workspace, "ask", "who are my best customers?")
    assert asked.exit_code == 0, asked.output
    assert "customer" in asked.stdout and "ask log could not be written" in asked.stderr
    assert run_cli(workspace, "customers", "--lifecycle", "new").exit_code == 0
    assert run_cli(workspace, "status").exit_code == 0
    assert workspace_snapshot(workspace) == before

    filler.unlink()
    assert run_cli(workspace, "ingest", "orders", str(other), "--replace").exit_code == 0
    assert workspace_snapshot(workspace)["orders"] == 400


@pytest.mark.slow  # a real tmpfs and a loaded shop: about 10-20 s
def test_read_only_workspace_refuses_writes_and_answers_reads(small_disk: Path) -> None:
    workspace = _loaded_shop(small_disk)
    other = _other_orders(small_disk.parent)
    before = workspace_snapshot(workspace)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0

    for args in (("ingest", "orders", str(other), "--replace"), ("features",)):
        result = run_cli(workspace, *args)
        assert result.exit_code == 1, result.output
        message = error_message(result)
        assert "read-only file system" in message and "move" not in message, message
    assert run_cli(workspace, "ask", "how many customers are lapsing?").exit_code == 0
    assert run_cli(workspace, "segments").exit_code in (0, 1)  # no segmentation yet is a user error, not a crash
    assert workspace_snapshot(workspace) == before


def _limited(limit_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))


@pytest.mark.slow  # a real child process under RLIMIT_FSIZE
@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed in this environment")
def test_file_size_limit_is_one_sentence_and_changes_nothing(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    paths = write_segment_shop(tmp_path / "files")
    assert run_cli(workspace, "ingest", "orders", str(paths["orders"])).exit_code == 0
    before = workspace_snapshot(workspace)

    result = subprocess.run([str(SCRIPT), "-w", str(workspace), "ingest", "orders", str(sample_files()["orders"]),
                             "--replace"], capture_output=True, text=True, preexec_fn=lambda: _limited(150_000),
                            env={**os.environ, "COLUMNS": "300"})

    assert result.returncode == 1, result.stderr
    assert "file-size limit (ulimit -f)" in result.stderr and "Traceback" not in result.stderr
    assert workspace_snapshot(workspace) == before


def test_a_write_failing_for_lack_of_space_is_a_user_error_and_rolls_back(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    import tools.ingest.load

    workspace = tmp_path / "ws"
    paths = write_segment_shop(tmp_path / "files")
    assert run_cli(workspace, "ingest", "orders", str(paths["orders"])).exit_code == 0
    before = workspace_snapshot(workspace)

    def no_space(*_args: object, **_kwargs: object) -> None:
        raise duckdb.IOException('IO Error: Could not write file "data/x.parquet": No space left on device')

    monkeypatch.setattr(tools.ingest.load, "refresh_features", no_space)
    result = run_cli(workspace, "ingest", "orders", str(_other_orders(tmp_path)), "--replace")

    assert result.exit_code == 1 and "the disk is full" in error_message(result), result.output
    assert workspace_snapshot(workspace) == before


def test_a_failing_export_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.campaigns.audience_export import write_atomically
    from tools.errors import UserError

    def too_large(*_args: object) -> None:
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr("tools.campaigns.audience_export.os.replace", too_large)
    with pytest.raises(UserError, match=r"file-size limit \(ulimit -f\)"):
        write_atomically(tmp_path / "a.csv", "x\n")
    assert list(tmp_path.iterdir()) == []
