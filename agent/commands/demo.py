"""``segment-agent demo``: the main job end to end on the bundled sample shop."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from agent.console import err, out

if TYPE_CHECKING:
    from agent.answer import Answer
    from agent.answering import Session
    from tools.runtime.shop import Shop


def demo(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace a workspace that holds other data.")] = False,
) -> None:
    """Build a workspace from the bundled sample shop and run the main job on it, explaining each step."""
    from agent.answering import Session

    console = out()
    runtime = ctx.obj
    shop = runtime.shop(create=True)
    console.rule("[bold]segment-agent demo[/bold]")
    _load_sample_shop(shop, force)
    _segments(shop)
    session = Session(shop, runtime.llm, runtime.transcript, "demo")
    _headline_question(session)
    console.print(Text.assemble("\nDone. The workspace is ", (str(shop.root), "bold"), ". Try  ",
                                ("segment-agent chat", "cyan"), "  or  ",
                                ("segment-agent customers --lifecycle lapsing --value high", "cyan"), "."))


def _load_sample_shop(shop: Shop, force: bool) -> None:
    from tools.errors import UserError
    from tools.ingest.load import ingest_file
    from tools.ingest.sample_shop import sample_files

    files = sample_files()
    if shop.exists() and not force and not _holds_only(shop, files.values()):
        raise UserError(
            f"The workspace {shop.root} holds your own data; run the demo elsewhere with "
            "--workspace ./demo-workspace, or pass --force to replace it."
        )
    console = out()
    console.print(f"[bold]1. Load the sample shop[/bold] ({files['orders'].parent})")
    report = None
    for table, path in files.items():
        report = ingest_file(shop, table, path, mode="replace")
        skipped = f", {report.rows_skipped:,} skipped" if report.rows_skipped else ""
        console.print(f"   {table:<9} {report.rows_kept:>7,} rows  {report.customers:>6,} customers{skipped}")
    from tools.behaviour.feature_store import latest_run

    run = latest_run(shop)
    stages = ", ".join(f"{stage} {run.lifecycle_counts.get(stage, 0):,}" for stage in ("new", "active", "lapsing",
                                                                                       "lapsed"))
    console.print("\n[bold]2. Behaviour features[/bold] (RFM, P(alive), CLV, lifecycle, value tier)")
    console.print(f"   {run.customers:,} customers as of {run.as_of}: {stages}")


def _holds_only(shop: Shop, files: object) -> bool:
    from tools.store.inventory import describe_workspace

    sample_paths = {str(Path(path).resolve()) for path in files}  # type: ignore[attr-defined]
    return all(entry.file in sample_paths for entry in describe_workspace(shop).sources)


def _segments(shop: Shop) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from tools.segments.segmentation import run_segmentation

    console = out()
    console.print("\n[bold]3. Voice-of-customer segments[/bold] (sentence-transformers + K-means in FAISS)")
    with Progress(TextColumn("   {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err(), transient=True) as progress:
        task = progress.add_task("segmenting", total=None)
        run = run_segmentation(shop, progress=lambda stage, done, total: progress.update(
            task, description=stage, completed=done, total=total or None))
    console.print(f"   {run.k} segments ({run.reason})", markup=False)
    for segment in run.segments:
        console.print(f"   {segment.id:>2} · {segment.name:<32} {segment.size:>5,} customers  "
                      f"{', '.join(segment.terms[:4])}", markup=False)


def _headline_question(session: Session) -> None:
    headline = _ask(session, 4, "who are my lapsing high-value customers?")
    segment_mix = headline.steps[0].result.facts().get("segment_mix", {}) if headline.steps else {}
    if segment_mix:
        top = next(iter(segment_mix))
        out().print(f"\n   Most lapsing VIPs sit in segment {top}.", markup=False)
        _ask(session, 5, f"tell me about segment {top.split(' · ')[0]}")
    _ask(session, 6, "write a win-back email for lapsing high-value customers")


def _ask(session: Session, number: int, question: str) -> Answer:
    from agent.answering import answer_question
    from agent.render.terminal import render_answer

    console = out()
    console.print(Text.assemble("\n", (f"{number}. Ask: ", "bold"), (question, "cyan")))
    answer = answer_question(session, question)
    render_answer(answer, console, err())
    return answer
