"""The fuzz and interrupt harnesses of bench/, bounded so CI runs them (``slow``: a few minutes in all).

The full runs — 1,000+ bad files, 30 SIGINT and 10 SIGKILL trials per writing command — are
``python bench/fuzz_ingest.py`` and ``python bench/interrupt_writers.py``; here every class of bad file and
every writing command is exercised a few times with the same checks.
"""

from __future__ import annotations

import importlib.util
import random
import signal
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPT = Path(sys.executable).parent / "segment-agent"


def _bench(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed in this environment")
def test_every_class_of_bad_file_is_refused_cleanly_and_valid_ones_stored_exactly() -> None:
    fuzz = _bench("fuzz_ingest")
    outcomes, _ = fuzz.run(per_class=1, store_per_class=1, workers=1, seed=7)

    failures = [f"{o.table}/{o.klass}#{o.name}: {o.problem}" for o in outcomes if o.problem]
    assert len({(o.table, o.klass.split(" (")[0]) for o in outcomes}) >= 60
    assert failures == []


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed in this environment")
@pytest.mark.parametrize("command", ["ingest", "features", "segment"])
def test_ctrl_c_and_kill_at_random_moments_of_a_writing_command(command: str, tmp_path: Path) -> None:
    interrupts = _bench("interrupt_writers")
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # children get the default, as from a terminal
    try:
        files, bases = interrupts.prepare(tmp_path)
        tally = interrupts.run_trials(command, files, bases[command], tmp_path, 3, 1, random.Random(7))
    finally:
        signal.signal(signal.SIGINT, previous)

    assert tally.failures == []
    assert (tally.sigint, tally.exit_130, tally.with_message, tally.commits_after_signal) == (3, 3, 3, 0)
    assert (tally.sigkill, tally.kill_consistent) == (1, 1)
