"""Run a brief script: every section on one read of the shop as of the brief's date, then keep its snapshot.

The order matters for the promises a brief makes:
1. the script is checked completely — args filled in and validated by each tool's schema — before any
   section runs, so a bad script changes nothing;
2. all sections read one store snapshot, seen as of the brief's date (:mod:`tools.behaviour.as_of_view`), so a
   re-ingest committing meanwhile never gives a brief half old and half new numbers;
3. sections only read: a tool or a question that would write is refused (:class:`ReadOnlyShop`);
4. the customers' stages, tiers and segments are kept as this brief's snapshot only after its files are
   written (:func:`save_snapshot`), replacing an earlier run for the same date: briefs are idempotent.
A section whose tool cannot answer (no segments yet, say) becomes a warning, not a failed brief.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from agent.answer import Answer
from agent.brief.periods import BriefPeriod, Comparison, resolve_period, template_values
from agent.brief.script import LoadedScript, check_args, mentions, resolve_args
from tools.errors import UserError

if TYPE_CHECKING:
    import pyarrow as pa

    from agent.runtime import LlmAccess
    from tools.runtime.shop import Shop

Progress = Callable[[str], None]
WARNINGS_TITLE = "Warnings"
COMPARED_WITH = {Comparison.PREVIOUS_PERIOD: "the previous period",
                 Comparison.SAME_PERIOD_LAST_YEAR: "the same period last year"}


class ReadOnlyShop:
    """The shop as brief sections see it: every read goes through to it, a write is refused."""

    def __init__(self, shop: Shop) -> None:
        self._shop = shop

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shop, name)

    @contextmanager
    def writing(self) -> Iterator[Any]:
        raise UserError("A brief only reads the workspace; run commands that change it (segment, features, "
                        "ingest) before the brief.")
        yield  # pragma: no cover - unreachable, makes this a generator


@dataclass
class SectionRun:
    """One section as run: where it is in the brief (``position``) and in the script (``index``; a section
    using ``{comparison}`` runs once per comparison), its title, kind, the §8 answer, and whether it was
    skipped or could not run."""

    position: int
    index: int
    title: str
    kind: str  # "tool", "question" or "checks"
    answer: Answer
    skipped: bool = False
    problem: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.answer.steps or all((step.rows or 0) == 0 for step in self.answer.steps)

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "title": self.title, "kind": self.kind, "skipped": self.skipped,
                "problem": self.problem, "answer": self.answer.to_json()}


@dataclass
class BriefRun:
    """Everything a brief computed, ready for the renderers."""

    script: LoadedScript
    as_of: date
    period: BriefPeriod
    sections: list[SectionRun]
    state: pa.Table
    segment_run_id: int | None
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.script.script.name

    @property
    def title(self) -> str:
        return self.script.script.title

    @property
    def shown(self) -> list[SectionRun]:
        return [section for section in self.sections if not section.skipped]


def run_brief(shop: Shop, loaded: LoadedScript, *, as_of: date | None = None, period_name: str | None = None,
              llm: LlmAccess | None = None, reference: date | None = None,
              progress: Progress | None = None) -> BriefRun:
    """Run every section of ``loaded`` as of ``as_of`` (default: the last order date). ``reference`` is the day
    the brief is read on (default: ``as_of``), against which data staleness is judged."""
    from tools.behaviour.as_of_view import enter_as_of
    from tools.behaviour.brief_snapshots import current_segment_run, current_state

    notify = progress or (lambda _message: None)
    script = loaded.script
    with shop.reading() as con:
        last = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
        if last is None:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        day = as_of or last.date()
        period = resolve_period(period_name or script.period, day)
        planned = _plan(loaded, day, period)
        notify(f"reading the shop as of {day}")
        view = enter_as_of(shop, con, day)
        reader = ReadOnlyShop(shop)
        sections = []
        for position, (index, title, args) in enumerate(planned):
            notify(f"section {position + 1}/{len(planned)}: {title}")
            sections.append(_run_section(reader, loaded, position, index, title, args, llm))
        sections.append(_checks(reader, period, reference or day, len(sections)))
        state = current_state(con)
        segment_run = current_segment_run(con)
    warnings = list(dict.fromkeys([*view.warnings, *(w for s in sections if not s.skipped for w in s.answer.warnings)]))
    return BriefRun(loaded, day, period, sections, state, segment_run, warnings)


def _plan(loaded: LoadedScript, day: date, period: BriefPeriod) -> list[tuple[int, str, dict[str, Any] | None]]:
    """(script index, title, filled-in and checked args) for every section to run, in order — before any runs."""
    script = loaded.script
    planned: list[tuple[int, str, dict[str, Any] | None]] = []
    for index, section in enumerate(script.sections):
        if section.tool is None:
            planned.append((index, section.title, None))
            continue
        repeated = mentions(section.args, "comparison")
        for comparison in script.comparison if repeated else [Comparison.PREVIOUS_PERIOD]:
            args = resolve_args(loaded, index, template_values(script.name, day, period, comparison))
            check_args(loaded, index, args)
            title = f"{section.title} vs {COMPARED_WITH[comparison]}" if repeated else section.title
            planned.append((index, title, args))
    return planned


def _run_section(shop: Any, loaded: LoadedScript, position: int, index: int, title: str,
                 args: dict[str, Any] | None, llm: LlmAccess | None) -> SectionRun:
    from agent.toolbox import run_tool

    section = loaded.script.sections[index]
    if section.tool is not None:
        answer = Answer(question=title, planner="direct")
        try:
            step = run_tool(shop, section.tool, args or {})
        except UserError as exc:
            return _could_not_run(position, index, title, "tool", answer, exc)
        answer.add(step)
        answer.answer = step.summary
        run = SectionRun(position, index, title, "tool", answer)
    else:
        from agent.answering import Session, answer_question

        planner = loaded.script.planner
        if planner == "llm" and llm is None:
            planner = "embedded"  # a cron job without a model still gets its brief, with a warning
        session = Session(shop, llm, source="brief")
        try:
            answer = answer_question(session, section.question or "", planner)
        except UserError as exc:
            return _could_not_run(position, index, title, "question", Answer(section.question or "", planner), exc)
        if loaded.script.planner == "llm" and llm is None:
            answer.warnings.insert(0, "No language model is configured, so the embedded planner answered.")
        run = SectionRun(position, index, title, "question", answer)
        if answer.status != "answered":
            run.problem = answer.answer
    run.skipped = section.skip_if_empty and run.is_empty
    return run


def _could_not_run(position: int, index: int, title: str, kind: str, answer: Answer, exc: UserError) -> SectionRun:
    answer.status = "refused"
    answer.answer = f"This section could not run: {exc}"
    answer.warnings.append(f"{title}: {exc}")
    return SectionRun(position, index, title, kind, answer, problem=str(exc))


def _checks(shop: Any, period: BriefPeriod, reference: date, position: int) -> SectionRun:
    """The closing section: partial, stale or thin data for the period (plus every section's warnings)."""
    from agent.toolbox import run_tool

    answer = Answer(question=WARNINGS_TITLE, planner="direct")
    step = run_tool(shop, "data_coverage", {"start": period.start, "end": period.end, "reference": reference})
    answer.add(step)
    answer.answer = ""
    if period.to_date:
        answer.warnings.append(f"Partial period: {period.name} runs from {period.start} and is not over yet.")
    return SectionRun(position, -1, WARNINGS_TITLE, "checks", answer)


def save_snapshot(shop: Shop, run: BriefRun, files: list[str]) -> None:
    """Keep what this brief saw, for the next brief to diff against (replaces a re-run of the same date)."""
    from tools.behaviour.brief_snapshots import BriefRecord, save_brief

    summary = {"title": run.title, "files": files, "sections": len(run.shown), "warnings": len(run.warnings)}
    record = BriefRecord(run.name, run.as_of.isoformat(), run.period.start.isoformat(), run.period.end.isoformat(),
                         shop.now().isoformat(sep=" ", timespec="seconds"), run.state.num_rows, run.segment_run_id,
                         summary)
    save_brief(shop, record, run.state)
