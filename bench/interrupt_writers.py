"""Ctrl-C and kill -9 at random moments of the writing commands: exit codes, messages, and never a partial state.

For each writing command (``ingest orders --replace``, ``features``, ``segment``) on a small shop cut from the
bundled sample shop, the harness first runs the command once uninterrupted (its duration T and the state it
leaves), then, from a fresh copy of the starting workspace each time, starts it as a real process (the
installed console script, so start-up is included), waits a random time in [start-up, 0.97 T] and sends:

- **SIGINT**: the process must exit 130 with the interrupt sentence and no traceback; the workspace must hold
  either the starting state or the finished state, nothing in between; no commit may have started after
  the signal (each commit's start time is stamped in its snapshot), and when the state did change the message
  must say the changes were saved.
- **SIGKILL**: the workspace must hold the starting or the finished state and still be readable (``status``).

``segment`` commits its embedding cache every few hundred texts (DESIGN.md §6: an interrupted run keeps its
work), so for it "the starting state plus more cached embeddings" is a third consistent state; it counts as
"saved" and the message must say so.

A signal that arrives after the process already exited does not count; another delay is drawn. Nor does
one sent while the process is in the kernel's exit (its status already chosen; Linux PF_EXITING in /proc,
read before sending), or one after which the process is found exiting at once and exits 0: the signal and
the exit call crossed, and which came first cannot be known (the "raced" column counts them). The first
milliseconds are the Python interpreter starting (``site``, the console-script wrapper's ``import re``) before
any segment-agent code runs: a Ctrl-C there ends the interpreter itself (killed by SIGINT, or its own
KeyboardInterrupt traceback), with nothing written. The harness measures that start-up in the same run (the
slowest of 7 starts of the interpreter up to the launcher's first line, doubled, at least 50 ms) and draws
delays after it; ``--startup-sweep`` maps the window itself, outcome by outcome.

    python bench/interrupt_writers.py [--sigint 30] [--sigkill 10] [--commands ingest,features,segment]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from workspace_state import commits_since, same_data, state  # noqa: E402

SCRIPT = Path(sys.executable).parent / "segment-agent"
UNCHANGED = "Interrupted; the workspace is unchanged by the unfinished step."
SAVED = "Interrupted after this command had saved its changes"
CUSTOMERS = 300
STARTUP_MIN = 0.05  # seconds: the least start-up allowance, however fast the interpreter starts in this run


@dataclass
class Tally:
    """Outcomes of one command's trials."""

    command: str
    seconds: float = 0.0
    wall: float = 0.0  # all of this command's trials (and its uninterrupted run), seconds
    cpu: float = 0.0  # CPU seconds of the processes it started (user + system)
    sigint: int = 0
    exit_130: int = 0
    exit_0: int = 0  # a delivered Ctrl-C that ended as a success: the failure this harness exists to catch
    with_message: int = 0
    unchanged: int = 0
    saved: int = 0
    commits_after_signal: int = 0
    raced_exit: int = 0  # exit 0 and already in the kernel's exit right after the signal: sent as it exited
    sigkill: int = 0
    kill_consistent: int = 0
    failures: list[str] = field(default_factory=list)


def small_shop(folder: Path, customers: int = CUSTOMERS) -> dict[str, Path]:
    """Orders, customers and texts of the first ``customers`` sample customers, plus a second orders file
    (the last tenth of lines dropped) for ``ingest --replace``."""
    import pandas as pd

    from tools.ingest.sample_shop import sample_files

    files = sample_files()
    keep = set(pd.read_csv(files["customers"], dtype=str)["customer_id"].head(customers))
    paths = {}
    for table, path in files.items():
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        paths[table] = folder / f"{table}.csv"
        frame[frame["customer_id"].isin(keep)].to_csv(paths[table], index=False)
    orders = pd.read_csv(paths["orders"], dtype=str, keep_default_na=False)
    paths["orders_b"] = folder / "orders_b.csv"
    orders.head(int(len(orders) * 0.9)).to_csv(paths["orders_b"], index=False)
    return paths


def _cli(workspace: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), "-w", str(workspace), *args], capture_output=True, text=True, check=check,
                          env={**os.environ, "COLUMNS": "200"})


def prepare(folder: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """Starting workspaces: one loaded shop for ingest/features, the same plus embeddings-free for segment."""
    files = small_shop(folder)
    base = folder / "base"
    for table in ("orders", "customers", "texts"):
        _cli(base, "ingest", table, str(files[table]))
    return files, {"ingest": base, "features": base, "segment": base}


COMMANDS = {
    "ingest": lambda files: ["ingest", "orders", str(files["orders_b"]), "--replace"],
    "features": lambda files: ["features", "--as-of", "2026-06-30"],
    "segment": lambda files: ["segment", "--k", "4"],
}


def _copy(base: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    return target


def measure_startup() -> float:
    """Seconds the interpreter takes, under this run's load, from spawn to the launcher's Ctrl-C handler: the
    console script's own imports (``re``, ``sys``, ``agent.launcher``), slowest of 7, doubled."""
    code = "import re, sys; import agent.launcher"
    walls = []
    for _ in range(7):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        walls.append(time.perf_counter() - started)
    return max(STARTUP_MIN, 2 * max(walls))


def run_trials(name: str, files: dict[str, Path], base: Path, folder: Path, sigints: int, sigkills: int,
               rng: random.Random) -> Tally:
    """All trials of one command."""
    args = COMMANDS[name](files)
    tally = Tally(name)
    wall_start, cpu_start = time.perf_counter(), _children_cpu()
    start_state = state(base)
    finished = _copy(base, folder / f"{name}-finished")
    started = time.perf_counter()
    _cli(finished, *args)
    tally.seconds = time.perf_counter() - started
    end_state = state(finished)
    for kind, wanted in ((signal.SIGINT, sigints), (signal.SIGKILL, sigkills)):
        done = 0
        while done < wanted:
            workspace = _copy(base, folder / f"{name}-trial")
            startup = measure_startup()
            delay = rng.uniform(startup, max(startup, 0.97 * tally.seconds))
            process = subprocess.Popen([str(SCRIPT), "-w", str(workspace), *args], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"})
            time.sleep(delay)
            if process.poll() is not None or _exiting(process.pid):
                process.communicate()
                continue  # it finished first (or is in the kernel's exit, status chosen): not an interrupt trial
            sent_at = time.time()
            process.send_signal(kind)
            exiting_after = _exiting(process.pid)
            try:
                _, stderr = process.communicate(timeout=180)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
                tally.failures.append(f"{kind.name} at {delay:.2f}s: still running 180 s after the signal")
                continue
            if exiting_after and process.returncode == 0:
                tally.raced_exit += 1  # the signal and the exit call crossed: which came first is unknowable
                continue
            done += 1
            _judge(tally, kind, delay, sent_at, process.returncode, stderr, workspace, start_state, end_state,
                   finished)
    tally.wall, tally.cpu = time.perf_counter() - wall_start, _children_cpu() - cpu_start
    return tally


def _exiting(pid: int) -> bool:
    """Whether the process has already called exit (Linux PF_EXITING in /proc/<pid>/stat): its status is
    chosen, and the kernel spends some 20-30 ms freeing its memory, during which a signal is discarded and
    ``poll()`` still sees a running process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return bool(int(fields[6]) & 0x4)  # field 9 of stat (flags); fields[0] is field 3 (state)


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (the commands and their `status` checks)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CACHE = "embedding_cache"  # segment commits its embeddings every few hundred texts: a kept partial cache is by design
RUNS = "segment_runs"  # a run's summary also records how fast that run was (stage_seconds, texts_per_second)


def _runs_without_timings(root: Path) -> list[tuple]:
    """The segment runs of a workspace with the speed figures of their summaries left out (they differ from
    one run of the same command to the next, so they cannot tell a finished run from a partial one)."""
    import json

    from tools.store.store import Store

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if "seconds" not in k and "per_second" not in k}
        return [strip(v) for v in value] if isinstance(value, list) else value

    store = Store(root)
    try:
        with store.reading() as con:
            cursor = con.execute(f"SELECT * EXCLUDE (created_at) FROM {store.lake}.{RUNS} ORDER BY run_id")
            names = [d[0] for d in cursor.description]
            return [tuple(strip(json.loads(v)) if n == "summary" else v for n, v in zip(names, row, strict=True))
                    for row in cursor.fetchall()]
    finally:
        store.close()


def _finished(now: dict | None, end: dict | None, workspace: Path, finished: Path) -> bool:
    """The same data as the uninterrupted run left, up to the speed figures of its segment run."""
    if same_data(now, end):
        return True
    if not (now and end) or RUNS not in now or RUNS not in end:
        return False

    def others(s: dict) -> dict:
        return {k: v for k, v in s.items() if k not in (RUNS, "_snapshot")}
    return others(now) == others(end) and _runs_without_timings(workspace) == _runs_without_timings(finished)


def _cache_step(now: dict | None, start: dict | None, end: dict | None) -> bool:
    """Everything as at the start except a bigger (not yet complete) embedding cache: segment's own checkpoints."""
    if not (now and start and end) or CACHE not in now:
        return False
    others = {k: v for k, v in now.items() if k not in (CACHE, "_snapshot")}
    return others == {k: v for k, v in start.items() if k not in (CACHE, "_snapshot")} and (
        start[CACHE][0] < now[CACHE][0] <= end[CACHE][0])


def _judge(tally: Tally, kind: signal.Signals, delay: float, sent_at: float, code: int, stderr: str,
           workspace: Path, start_state: dict | None, end_state: dict | None, finished: Path) -> None:
    now_state = state(workspace)
    unchanged = same_data(now_state, start_state)
    complete = not unchanged and _finished(now_state, end_state, workspace, finished)
    checkpoint = _cache_step(now_state, start_state, end_state)
    where = f"{kind.name} at {delay:.2f}s"
    if kind == signal.SIGKILL:
        tally.sigkill += 1
        readable = _cli(workspace, "status", check=False).returncode == 0
        if (unchanged or complete or checkpoint) and readable:
            tally.kill_consistent += 1
        else:
            tally.failures.append(f"{where}: partial or unreadable state after kill -9")
        return
    tally.sigint += 1
    tally.exit_130 += code == 130
    tally.exit_0 += code == 0
    said_saved = SAVED in stderr
    tally.with_message += (UNCHANGED in stderr or said_saved) and "Traceback" not in stderr
    if code != 130:
        tally.failures.append(f"{where}: exit {code}: {stderr.strip()[-300:]}")
    if unchanged:
        tally.unchanged += 1
    elif complete or checkpoint:
        tally.saved += 1
        if not said_saved:
            tally.failures.append(f"{where}: the changes were saved but the message says otherwise")
    else:
        tally.failures.append(f"{where}: partial state")
    late = [c for c in commits_since(workspace, start_state["_snapshot"]) if (c["committing_at"] or 0) > sent_at]
    if late:
        tally.commits_after_signal += len(late)
        tally.failures.append(f"{where}: {len(late)} commit(s) started after the signal")


def startup_sweep(folder: Path) -> None:
    """SIGINT every 1 ms over the first 80 ms of ``status``: where the interpreter, not the CLI, handles it."""
    outcomes: list[tuple[int, str]] = []
    for ms in range(80):
        process = subprocess.Popen([str(SCRIPT), "-w", str(folder / "none"), "status"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(ms / 1000)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate()
        if process.returncode == 130 and UNCHANGED in stderr and "Traceback" not in stderr:
            outcome = "clean exit 130"
        elif process.returncode == -signal.SIGINT and not stderr:
            outcome = "killed by SIGINT, silent (shell status 130)"
        elif "KeyboardInterrupt" in stderr:
            outcome = f"interpreter's KeyboardInterrupt traceback, exit {process.returncode}"
        else:
            outcome = f"other: exit {process.returncode}, {stderr[:60]!r}"
        outcomes.append((ms, outcome))
    counts: dict[str, list[int]] = {}
    for ms, outcome in outcomes:
        counts.setdefault(outcome, []).append(ms)
    print(f"start-up sweep (SIGINT at 0..79 ms; allowance now {measure_startup() * 1000:.0f} ms):")
    for outcome, times in counts.items():
        print(f"  {len(times):>3} x {outcome}: {min(times)}..{max(times)} ms")


def report(tallies: list[Tally]) -> None:
    """Print one table row per command, then every failure."""
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = (f"{'command':<10}{'T s':>7}{'SIGINT':>8}{'exit130':>9}{'exit0':>7}{'message':>9}{'unchanged':>10}"
              f"{'saved':>7}{'late commits':>13}{'raced':>7}{'SIGKILL':>9}{'consistent':>11}{'wall s':>9}{'CPU s':>9}")
    print(header)
    for t in tallies:
        print(f"{t.command:<10}{t.seconds:>7.1f}{t.sigint:>8}{t.exit_130:>9}{t.exit_0:>7}{t.with_message:>9}"
              f"{t.unchanged:>10}{t.saved:>7}{t.commits_after_signal:>13}{t.raced_exit:>7}{t.sigkill:>9}"
              f"{t.kill_consistent:>11}{t.wall:>9.0f}{t.cpu:>9.0f}")
    for t in tallies:
        for failure in t.failures:
            print(f"FAIL {t.command}: {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sigint", type=int, default=30, help="SIGINT trials per command")
    parser.add_argument("--sigkill", type=int, default=10, help="SIGKILL trials per command")
    parser.add_argument("--commands", default="ingest,features,segment")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--startup-sweep", action="store_true", help="also map the interpreter start-up window")
    args = parser.parse_args()
    # A harness started in the background (nohup, &) inherits "ignore SIGINT", and so would every command it
    # starts: catching it here gives the children the normal default back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rng = random.Random(args.seed)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="interrupts-") as temp:
        folder = Path(temp)
        if args.startup_sweep:
            startup_sweep(folder)
        files, bases = prepare(folder)
        tallies = [run_trials(name, files, bases[name], folder, args.sigint, args.sigkill, rng)
                   for name in args.commands.split(",")]
    report(tallies)
    return 1 if any(t.failures for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
