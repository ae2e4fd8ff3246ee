"""``segment-agent demo``: the main job end to end on the bundled sample shop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.console import out


def demo(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace a workspace that holds other data.")] = False,
) -> None:
    """Build a workspace from the bundled sample shop and run the main job on it, explaining each step."""
    console = out()
    workspace = ctx.obj.workspace
    console.rule("[bold]segment-agent demo[/bold]")
    _load_sample_shop(workspace, force)
    _features(workspace)
    _segments(workspace)
    _headline_question(workspace)
    console.print(
        f"\nDone. The workspace is [bold]{workspace}[/bold]. Try  [cyan]segment-agent chat[/cyan]  or  "
        "[cyan]segment-agent customers --lifecycle lapsing --value high[/cyan]."
    )


def _load_sample_shop(workspace: Path, force: bool) -> None:
    from tools.errors import UserError
    from tools.ingest.load import ingest_file
    from tools.ingest.sample_shop import sample_files
    from tools.store.workspace import Workspace

    files = sample_files()
    if Workspace(workspace).exists() and not force and not _holds_only(workspace, files.values()):
        raise UserError(
            f"The workspace {workspace} holds your own data; run the demo elsewhere with "
            "--workspace ./demo-workspace, or pass --force to replace it."
        )
    console = out()
    console.print(f"[bold]1. Load the sample shop[/bold] ({files['orders'].parent})")
    for table, path in files.items():
        report = ingest_file(workspace, table, path, mode="replace")
        skipped = f", {report.rows_skipped:,} skipped" if report.rows_skipped else ""
        console.print(f"   {table:<9} {report.rows_kept:>7,} rows  {report.customers:>6,} customers{skipped}")


def _holds_only(workspace: Path, files: object) -> bool:
    from tools.store.inventory import describe_workspace

    sample_paths = {str(Path(path).resolve()) for path in files}  # type: ignore[attr-defined]
    return all(entry.file in sample_paths for entry in describe_workspace(workspace).sources)


def _features(workspace: Path) -> None:
    from tools.behaviour.feature_store import refresh_features

    console = out()
    console.print("\n[bold]2. Behaviour features[/bold] (RFM, P(alive), CLV, lifecycle, value tier)")
    run = refresh_features(workspace)
    stages = ", ".join(f"{stage} {run.lifecycle_counts.get(stage, 0):,}" for stage in ("new", "active", "lapsing",
                                                                                       "lapsed"))
    console.print(f"   {run.customers:,} customers as of {run.as_of}: {stages}")


def _segments(workspace: Path) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from agent.console import err
    from tools.segments.reading import run_segmentation

    console = out()
    console.print("\n[bold]3. Voice-of-customer segments[/bold] (sentence-transformers + K-means in FAISS)")
    with Progress(TextColumn("   {task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err(), transient=True) as progress:
        task = progress.add_task("segmenting", total=None)
        run = run_segmentation(workspace, progress=lambda stage, done, total: progress.update(
            task, description=stage, completed=done, total=total or None))
    console.print(f"   {run.k} segments ({run.reason})")
    for segment in run.segments:
        console.print(f"   {segment.id:>2} · {segment.name:<32} {segment.size:>5,} customers  "
                      f"{', '.join(segment.terms[:4])}")


def _headline_question(workspace: Path) -> None:
    from agent.answering import Session

    console = out()
    session = Session(workspace)
    headline = _ask(session, 4, "who are my lapsing high-value customers?")
    segment_mix = headline.outcomes[0].facts.get("segment_mix", {}) if headline.outcomes else {}
    if segment_mix:
        top_segment = next(iter(segment_mix)).split(" · ")[0]
        console.print(f"\n   Most lapsing VIPs sit in segment {next(iter(segment_mix))}.")
        _ask(session, 5, f"tell me about segment {top_segment}")
    _ask(session, 6, "write a win-back email for lapsing high-value customers")


def _ask(session: object, number: int, question: str) -> object:
    from agent.answering import answer_question
    from agent.render import render_answer

    console = out()
    console.print(f"\n[bold]{number}. Ask:[/bold] [cyan]{question}[/cyan]")
    answer = answer_question(session, question)  # type: ignore[arg-type]
    render_answer(answer, console)
    return answer
