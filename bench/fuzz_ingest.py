"""Fuzz ``segment-agent ingest``: over a thousand bad (and awkward-but-valid) files, every outcome checked.

Each case from :mod:`fuzz_cases` is ingested with ``--replace`` into a fresh copy of a loaded workspace,
through the real CLI (in worker processes, each case under a 60 s alarm), and judged:

- **exit code**: 1 for a refusal, 0 for a load; never 3 (a bug), never a traceback;
- **message**: the error is one line of at most 1,300 characters (the CLI caps it at 1,200 plus the prefix);
- **refusals change nothing**: the workspace's contents *and* snapshot id are what they were (no commit);
- **loads store the truth**: the table holds exactly the rows the generator encoded (ids, dates to the second,
  amounts to the cent, names and texts character for character);
- **no hangs**: a case running past the alarm counts as a hang.

Counts per class are printed at the end; the exit status is 1 when anything failed.

    python bench/fuzz_ingest.py [--per-class 26] [--store-per-class 12] [--workers 2] [--seed 13]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_cases  # noqa: E402
import fuzz_valid_cases as valid  # noqa: E402
from fuzz_cases import REFUSE, Case  # noqa: E402

HANG_SECONDS = 60
MESSAGE_LIMIT = 1300
_F = fuzz_cases
# What every table must refuse (bad files), and the awkward-but-valid files it must store exactly.
COMMON_REFUSALS = [_F.truncated, _F.short_row, _F.extra_field, _F.duplicate_header, _F.implausible_date, _F.bad_date,
                   _F.ambiguous_dates, _F.mixed_encoding, _F.binary, _F.corrupt_gzip, _F.wide_header,
                   _F.unbalanced_quote, _F.missing_required, _F.empty_files, _F.no_ids, _F.parquet_bad]
REFUSING = {"orders": [*COMMON_REFUSALS, _F.mixed_decimal, _F.implausible_amount, _F.overflow_product, _F.odd_number],
            "customers": COMMON_REFUSALS, "texts": COMMON_REFUSALS}
COMMON_LOADS = [valid.encodings, valid.invisible_ids, valid.hostile_values, valid.foreign_headers, valid.layouts,
                valid.shorter_file]
STORING = {"orders": [*COMMON_LOADS, valid.number_formats], "customers": [*COMMON_LOADS, valid.unmatched_ids],
           "texts": [*COMMON_LOADS, valid.unmatched_ids]}


def generate(seed: int, per_class: dict[str, int], store_per_class: int) -> list[Case]:
    """All cases: ``per_class[table]`` bad files per refusal class and ``store_per_class`` files per load class."""
    import random

    rng = random.Random(seed)
    cases: list[Case] = []
    for table, generators in REFUSING.items():
        for generate_class in generators:
            cases += list(generate_class(table, rng, per_class[table]))
    for table, generators in STORING.items():
        for generate_class in generators:
            cases += list(generate_class(table, rng, store_per_class))
    return cases


@dataclass(frozen=True)
class Outcome:
    """What one case did and whether that was right (``problem`` is None when it was)."""

    table: str
    klass: str
    name: str
    exit_code: int | None
    seconds: float
    problem: str | None
    expected_refusal: bool


class Hang(BaseException):
    """The case ran past the alarm."""


def _alarm(_signum: int, _frame: object) -> None:
    raise Hang


def build_baseline(folder: Path) -> Path:
    """A workspace holding the clean shop (orders, customers, texts), built with the real CLI."""
    import random

    rng = random.Random(0)
    workspace = folder / "baseline"
    files = {
        "orders": fuzz_cases.render("orders", fuzz_cases.base_orders(rng)),
        "customers": fuzz_cases.render("customers", fuzz_cases.base_customers()),
        "texts": fuzz_cases.render("texts", fuzz_cases.base_texts()),
    }
    for table, data in files.items():
        path = folder / f"clean-{table}.csv"
        path.write_bytes(data)
        subprocess.run(
            [str(Path(sys.executable).parent / "segment-agent"), "-w", str(workspace), "ingest", table, str(path)],
            check=True,
            capture_output=True,
        )
    return workspace


_WORKER: dict[str, object] = {}


def _init_worker(baseline: str, scratch: str) -> None:
    """Each worker imports the CLI once and remembers the baseline's state."""
    import workspace_state
    from typer.testing import CliRunner

    from agent.cli import app

    _WORKER.update(
        app=app,
        runner=CliRunner(env={"COLUMNS": "400", "SEGMENT_AGENT_DEBUG": None}),
        baseline=Path(baseline),
        scratch=Path(scratch) / f"worker-{os.getpid()}",
        state=workspace_state.state(Path(baseline)),
        state_of=workspace_state.state,
    )
    signal.signal(signal.SIGALRM, _alarm)


def run_case(case: Case) -> Outcome:
    """Ingest ``case`` into a copy of the baseline and judge what happened."""
    scratch: Path = _WORKER["scratch"]  # type: ignore[assignment]
    shutil.rmtree(scratch, ignore_errors=True)
    workspace = scratch / "ws"
    shutil.copytree(_WORKER["baseline"], workspace)  # type: ignore[arg-type]
    suffix = ".csv.gz" if case.name.endswith(".csv.gz") else ".parquet" if case.name.endswith(".parquet") else ".csv"
    path = scratch / f"input{suffix}"
    path.write_bytes(case.data)
    args = ["-w", str(workspace), "ingest", case.table, str(path), "--replace", *case.options]
    started = time.perf_counter()
    signal.alarm(HANG_SECONDS)
    try:
        result = _WORKER["runner"].invoke(_WORKER["app"], args)  # type: ignore[attr-defined]
    except Hang:
        return Outcome(case.table, case.klass, case.name, None, HANG_SECONDS, "hang (> 60 s)", case.expect == REFUSE)
    finally:
        signal.alarm(0)
    seconds = time.perf_counter() - started
    problem = _judge(case, result, workspace)
    return Outcome(case.table, case.klass, case.name, result.exit_code, seconds, problem, case.expect == REFUSE)


def _judge(case: Case, result: object, workspace: Path) -> str | None:
    code, stdout, stderr = result.exit_code, result.stdout, result.stderr  # type: ignore[attr-defined]
    exception = result.exception  # type: ignore[attr-defined]
    if exception is not None and not isinstance(exception, SystemExit):
        return f"crashed: {type(exception).__name__}: {str(exception)[:200]}"
    if "Traceback" in stdout + stderr:
        return "printed a traceback"
    if code not in (0, 1):
        return f"exit {code}: {stderr.strip()[:300]}"
    if code == 1:
        message = stderr.strip()
        if not message.startswith("error:") or len(message) > MESSAGE_LIMIT or message.count("\n"):
            return f"the error is not one capped line ({len(message)} chars): {message[:200]!r}"
        if _WORKER["state_of"](workspace) != _WORKER["state"]:  # type: ignore[operator]
            return "refused but the workspace changed"
        return None if case.expect == REFUSE else f"refused a valid file: {message[:300]}"
    if case.expect == REFUSE:
        return "accepted a file that must be refused"
    stored = _stored(workspace, case.table)
    if stored != case.expect:
        wrong = next(((s, e) for s, e in zip(stored, case.expect, strict=False) if s != e), None)
        return f"stored values differ ({len(stored)} vs {len(case.expect)} rows; first difference {wrong})"
    if case.warning and case.warning not in stdout + stderr:
        return f"no warning containing {case.warning!r}"
    return None


def _stored(workspace: Path, table: str) -> list[tuple]:
    from tools.store.store import Store

    store = Store(workspace)
    try:
        with store.reading() as con:
            rows = con.execute(fuzz_cases.STORED_SQL[table]).fetchall()
    finally:
        store.close()
    return sorted(tuple(row) for row in rows)


def report(outcomes: list[Outcome], seconds: float) -> int:
    """Counts per class, the totals the acceptance asks for, and every failure."""
    by_class: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for outcome in outcomes:
        counts = by_class[(outcome.table, outcome.klass)]
        counts["cases"] += 1
        counts["ok" if outcome.problem is None else "failed"] += 1
        counts[f"exit {outcome.exit_code}"] += 1
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(outcomes):,} cases in {seconds:.0f} s")
    print(f"{'table':<10}{'class':<58}{'cases':>6}{'exit 0':>7}{'exit 1':>7}{'failed':>7}")
    for (table, klass), counts in sorted(by_class.items()):
        print(
            f"{table:<10}{klass[:57]:<58}{counts['cases']:>6}{counts['exit 0']:>7}{counts['exit 1']:>7}"
            f"{counts['failed']:>7}"
        )
    bad = [o for o in outcomes if o.expected_refusal]
    problems = Counter(o.problem.split(":")[0] for o in outcomes if o.problem)
    print(
        f"bad files: {len(bad):,} (refused {sum(o.exit_code == 1 and o.problem is None for o in bad):,}); valid files: "
        f"{len(outcomes) - len(bad):,}; exit 3: {sum(o.exit_code == 3 for o in outcomes)}; hangs: "
        f"{sum(o.exit_code is None for o in outcomes)}; slowest case {max(o.seconds for o in outcomes):.1f} s"
    )
    print(f"failures: {sum(problems.values())} {dict(problems)}")
    for outcome in outcomes:
        if outcome.problem:
            print(f"FAIL {outcome.table} / {outcome.klass} #{outcome.name}: {outcome.problem}")
    return 1 if problems else 0


def run(
    per_class: int, store_per_class: int, workers: int, seed: int, only: str | None = None
) -> tuple[list[Outcome], float]:
    """Generate the cases and run them; returns the outcomes and the wall seconds."""
    cases = generate(
        seed,
        {"orders": per_class, "customers": max(1, per_class * 2 // 3), "texts": max(1, per_class * 2 // 3)},
        store_per_class,
    )
    if only:
        cases = [c for c in cases if only in c.klass]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-ingest-") as temp:
        baseline = build_baseline(Path(temp))
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(str(baseline), temp)) as pool:
            outcomes = []
            for outcome in pool.imap_unordered(run_case, cases, chunksize=4):
                outcomes.append(outcome)
                if len(outcomes) % 100 == 0 or len(outcomes) == len(cases):  # progress, on stderr
                    print(f"{len(outcomes):,}/{len(cases):,} cases, {time.perf_counter() - started:.0f} s",
                          file=sys.stderr, flush=True)
    return outcomes, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=26, help="bad files per orders class (2/3 for the others)")
    parser.add_argument("--store-per-class", type=int, default=12, help="valid-but-awkward files per class")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", help="run only classes whose name contains this text")
    args = parser.parse_args()
    outcomes, seconds = run(args.per_class, args.store_per_class, args.workers, args.seed, args.only)
    return report(outcomes, seconds)


if __name__ == "__main__":
    sys.exit(main())
