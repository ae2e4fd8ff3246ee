"""Held-out routing check for the embedded planner: the share of unseen marketer questions routed right.

The questions live in tests/data/heldout_questions.txt, written once before the planner was tuned and never
edited since, so this measures how the planner generalises rather than how well it memorised its own tests.
A question counts as routed right when the planned tool matches and every expected argument is there with
the expected value (for REFUSED: no tool call, and the refusal mentions the hint).

    .venv/bin/python bench/planner_heldout.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "data" / "heldout_questions.txt"


def load_cases(path: Path = HELDOUT) -> list[tuple[str, str, dict[str, Any]]]:
    """(question, tool or REFUSED, expected argument subset) per non-comment line."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, tool, args = (part.strip() for part in line.rsplit(" | ", 2))
        cases.append((question, tool, json.loads(args)))
    return cases


def problems(result: Any, tool: str, expected: dict[str, Any]) -> list[str]:
    """Why ``result`` (a Plan) is not what the case expects; empty when it is routed right."""
    if tool == "REFUSED":
        if result.calls:
            return [f"planned {[c.tool for c in result.calls]} instead of refusing"]
        hint = expected.get("hint", "").lower()
        return [] if hint in (result.refusal or "").lower() else [f"refusal lacks {hint!r}: {result.refusal!r}"]
    if result.refusal is not None or [call.tool for call in result.calls] != [tool]:
        return [f"got {[c.tool for c in result.calls]} / refusal {str(result.refusal)[:80]!r}"]
    return _differences(result.calls[0].args, expected)


def _differences(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    found = []
    for key, want in expected.items():
        if isinstance(want, dict):
            found += [f"{key}.{p}" for p in _differences(actual.get(key) or {}, want)]
        elif actual.get(key) != want:
            found.append(f"{key}: want {want!r}, got {actual.get(key)!r}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="Print every miss with the reason.")
    options = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from test_planner import SHOP

    from agent.planner import plan

    cases = load_cases()
    started, cpu = time.perf_counter(), time.process_time()
    misses = [(q, problems(plan(q, SHOP), tool, args)) for q, tool, args in cases]
    misses = [(q, why) for q, why in misses if why]
    wall, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    right = len(cases) - len(misses)
    print("| questions | routed right | share | CPU-s | wall s | load avg |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(cases)} | {right} | {right / len(cases):.1%} | {cpu_s:.2f} | {wall:.2f} | "
          f"{os.getloadavg()[0]:.2f} |")
    if options.verbose:
        for question, why in misses:
            print(f"MISS {question!r}: {'; '.join(why)}")


if __name__ == "__main__":
    main()
