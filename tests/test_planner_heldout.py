"""The held-out questions (tests/data/heldout_questions.txt, written before the planner was tuned and never
edited): at least 95% must be routed to the right tool with the right arguments. ``bench/planner_heldout.py
--verbose`` prints the share and every miss."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from test_planner import SHOP

from agent.planner import plan

BENCH = Path(__file__).resolve().parents[1] / "bench" / "planner_heldout.py"


def _bench():  # noqa: ANN202 - the bench module, loaded from its file (bench/ is not a package)
    spec = importlib.util.spec_from_file_location("planner_heldout", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_held_out_file_has_sixty_questions_of_every_kind() -> None:
    cases = _bench().load_cases()
    assert len(cases) == 60
    assert {tool for _, tool, _ in cases} >= {"breakdown", "themes", "kpi_summary", "find_customers", "REFUSED",
                                              "profile_segment", "compare_segments", "draft_campaign"}


def test_at_least_95_percent_of_held_out_questions_are_routed_right() -> None:
    bench = _bench()
    misses = {question: why for question, tool, args in bench.load_cases()
              if (why := bench.problems(plan(question, SHOP), tool, args))}
    assert len(misses) <= 3, misses
