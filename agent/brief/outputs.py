"""A brief's files: ``NAME-DATE.md``, ``NAME-DATE.html`` (self-contained), ``NAME-DATE.json`` and the charts as
PNGs in ``NAME-DATE-charts/`` (for the Markdown and for Slack).

The JSON holds each section's §8 answer (the same object ``ask --json`` prints), so every number the Markdown
and the HTML show can be traced to a step. Files are written to a temporary name and renamed, so a reader (or
a mail job picking the files up) never sees half a brief, and a re-run for the same date replaces them —
charts a re-run no longer draws included.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.render import html, markdown
from agent.render.escape import escape_html

if TYPE_CHECKING:
    from agent.brief.charts import Chart
    from agent.brief.runner import BriefRun, SectionRun


@dataclass
class BriefFiles:
    """Where a brief was written."""

    markdown: Path
    html: Path
    json: Path
    charts: list[Path] = field(default_factory=list)

    def all(self) -> list[Path]:
        return [self.markdown, self.html, self.json, *self.charts]


def stem(run: BriefRun) -> str:
    """``brief-2026-09-30``: the name every file of this brief starts with."""
    return f"{run.name}-{run.as_of.isoformat()}"


def brief_document(run: BriefRun, charts: list[Chart]) -> dict[str, Any]:
    """The brief as JSON: what it covers, each section's §8 answer, its charts and warnings."""
    return {
        "brief": run.name, "title": run.title, "as_of": run.as_of.isoformat(),
        "period": {"name": run.period.name, "start": run.period.start.isoformat(),
                   "end": run.period.end.isoformat(), "days": run.period.days},
        "comparison": [c.value for c in run.script.script.comparison],
        "sections": [section.to_json() for section in run.sections],
        "charts": [{"name": c.name, "title": c.title, "alt": c.alt, "section": c.section,
                    "file": f"{stem(run)}-charts/{c.name}.png", "width": c.width, "height": c.height}
                   for c in charts],
        "warnings": run.warnings,
    }


def brief_markdown(run: BriefRun, charts: list[Chart]) -> str:
    """The brief as Markdown; charts are linked from the ``-charts`` folder beside the file."""
    lines = [f"# {markdown.escape_inline(run.title)} · {run.as_of.isoformat()}", "", _covers(run), ""]
    for section in run.shown:
        lines += [f"## {markdown.escape_inline(section.title)}", ""]
        if section.kind == "question":
            lines += [f"*Question:* {markdown.escape_inline(section.answer.question)}", ""]
        body = _section_markdown(section, run)
        lines += [body, ""] if body else []
        for chart in (c for c in charts if c.section == section.position):
            lines += [f"![{markdown.escape_inline(chart.alt)}]({stem(run)}-charts/{chart.name}.png)", ""]
    return "\n".join(lines).rstrip() + "\n"


def brief_html(run: BriefRun, charts: list[Chart]) -> str:
    """The brief as one self-contained page (charts inline)."""
    contents = "".join(f"<li>{escape_html(section.title)}</li>" for section in run.shown)
    body = [f"<header><h1>{escape_html(run.title)} · {run.as_of.isoformat()}</h1>",
            f"<p class=\"meta\">{escape_html(_covers(run).strip('*'))}</p></header>",
            f"<nav><ol>{contents}</ol></nav>"]
    for section in run.shown:
        body.append(f"<section>\n<h2>{escape_html(section.title)}</h2>")
        if section.kind == "question":
            body.append(f"<p><em>Question:</em> {escape_html(section.answer.question)}</p>")
        body.append(_section_html(section, run))
        body += [html.image_html(c.png, c.alt, c.width, c.height, c.title)
                 for c in charts if c.section == section.position]
        body.append("</section>")
    return html.page(f"{run.title} · {run.as_of.isoformat()}", "\n".join(body))


def write_brief(run: BriefRun, charts: list[Chart], directory: Path) -> BriefFiles:
    """Write the brief's files into ``directory`` (created if need be); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    base = stem(run)
    files = BriefFiles(directory / f"{base}.md", directory / f"{base}.html", directory / f"{base}.json")
    chart_dir = directory / f"{base}-charts"
    chart_dir.mkdir(exist_ok=True)
    wanted = {f"{chart.name}.png" for chart in charts}
    for old in chart_dir.glob("*.png"):
        if old.name not in wanted:
            old.unlink()
    for chart in charts:
        path = chart_dir / f"{chart.name}.png"
        _atomic_write(path, chart.png)
        files.charts.append(path)
    _atomic_write(files.json, (json.dumps(brief_document(run, charts), indent=2, ensure_ascii=False,
                                          default=str) + "\n").encode("utf-8"))
    _atomic_write(files.markdown, brief_markdown(run, charts).encode("utf-8"))
    _atomic_write(files.html, brief_html(run, charts).encode("utf-8"))
    return files


def _covers(run: BriefRun) -> str:
    period = run.period
    return (f"*{period.name.replace('_', ' ').capitalize()}: {period.start.isoformat()} to {period.end.isoformat()} "
            f"· customers as of {run.as_of.isoformat()}*")


def _section_markdown(section: SectionRun, run: BriefRun) -> str:
    if section.kind == "checks":
        return _warnings_markdown(section, run)
    if section.problem and not section.answer.steps:
        return f"*{markdown.escape_inline(section.answer.answer)}*"
    return markdown.render_answer(_without_warnings(section))


def _section_html(section: SectionRun, run: BriefRun) -> str:
    if section.kind == "checks":
        warnings = _all_warnings(section, run)
        if not warnings:
            return "<p>No warnings: the period is complete, the data is fresh and holds enough orders.</p>"
        return "<ul class=\"warnings\">" + "".join(f"<li>{escape_html(w)}</li>" for w in warnings) + "</ul>"
    if section.problem and not section.answer.steps:
        return f"<p class=\"problem\">{escape_html(section.answer.answer)}</p>"
    return html.answer_html(_without_warnings(section))


def _warnings_markdown(section: SectionRun, run: BriefRun) -> str:
    warnings = _all_warnings(section, run)
    if not warnings:
        return "No warnings: the period is complete, the data is fresh and holds enough orders."
    return "\n".join(f"- ⚠ {markdown.escape_inline(warning)}" for warning in warnings)


def _all_warnings(section: SectionRun, run: BriefRun) -> list[str]:
    """The data checks' findings, then every section's warnings (once each): all gathered in one place."""
    issues = [issue for step in section.answer.steps for issue in getattr(step.result, "issues", [])]
    return list(dict.fromkeys([*issues, *section.answer.warnings, *run.warnings]))


def _without_warnings(section: SectionRun) -> Any:
    """The section's answer with its warnings moved to the Warnings section (shown once, at the end)."""
    from dataclasses import replace

    return replace(section.answer, warnings=[])


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename over it (permissions follow the umask, like any report)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
