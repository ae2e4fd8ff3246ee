"""The weekly brief on the bundled sample shop: two briefs a week apart, what the second says changed, that every
number it prints is in its JSON steps, idempotency, and the scripts a marketer gets wrong.

One workspace for the module: the sample shop (features computed) segmented with the fake encoder, then the
default script run as of 2026-09-23 and again as of 2026-09-30.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeEncoder
from shop_builders import RUNNER, error_message, query, sentences

from agent.runtime import AgentProviders

SCRIPT = Path(__file__).resolve().parents[1] / "prompts" / "weekly_brief.yaml"
FIRST, SECOND = "2026-09-23", "2026-09-30"
CLOCK = datetime(2026, 10, 1, 7, 30)
NUMBER = re.compile(r"(?<![\w.\-])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?(?![\w])")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def brief_cli(workspace: Path, *args: str) -> Any:
    """``segment-agent -w WORKSPACE brief ARGS`` with the fake encoder and a frozen clock."""
    from agent.cli import app

    return RUNNER.invoke(app, ["-w", str(workspace), "brief", *args],
                         obj=AgentProviders(encoder=FakeEncoder(), clock=lambda: CLOCK))


@pytest.fixture(scope="module")
def briefed(sample_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample workspace, segmented, with the briefs of FIRST and SECOND written."""
    from tools.runtime.shop import Providers, Shop
    from tools.segments.segmentation import run_segmentation
    from tools.segments.settings import SegmentationArgs

    workspace = tmp_path_factory.mktemp("brief") / "ws"
    shutil.copytree(sample_workspace, workspace)
    with Shop(workspace, providers=Providers(encoder=FakeEncoder())) as shop:
        run_segmentation(shop, SegmentationArgs(k=6, seed=3))
    for day in (FIRST, SECOND):
        result = brief_cli(workspace, "run", str(SCRIPT), "--as-of", day)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""  # quiet unless --verbose: cron mails nothing on success
    return workspace


def _document(workspace: Path, day: str) -> dict[str, Any]:
    return json.loads((workspace / "reports" / f"brief-{day}.json").read_text(encoding="utf-8"))


def _section(document: dict[str, Any], tool: str) -> dict[str, Any]:
    return next(s["answer"]["steps"][0] for s in document["sections"] if s["answer"]["steps"]
                and s["answer"]["steps"][0]["tool"] == tool)


def test_both_briefs_are_written_with_markdown_html_json_and_charts(briefed: Path) -> None:
    reports = briefed / "reports"
    for day in (FIRST, SECOND):
        for suffix in (".md", ".html", ".json"):
            assert (reports / f"brief-{day}{suffix}").stat().st_size > 1000
        charts = sorted(path.name for path in (reports / f"brief-{day}-charts").glob("*.png"))
        assert charts == ["kpi_trend.png", "lifecycle_flow.png", "segment_share_change.png"]
    html = (reports / f"brief-{SECOND}.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3 and "<script" not in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch: it opens offline


def test_the_second_brief_reports_movers_and_drift_against_the_first(briefed: Path) -> None:
    movers = _section(_document(briefed, SECOND), "lifecycle_movers")["data"]
    assert movers["baseline"] == "brief" and movers["baseline_date"] == FIRST and movers["as_of"] == SECOND
    then = dict(query(briefed, f"SELECT customer_id, lifecycle FROM brief_snapshots WHERE brief_date = '{FIRST}'"))
    now = dict(query(briefed, f"SELECT customer_id, lifecycle FROM brief_snapshots WHERE brief_date = '{SECOND}'"))
    moved = {cid for cid in then if now.get(cid) != then[cid]}
    assert movers["movers_total"] == len(moved) > 0
    assert {m["customer_id"] for m in movers["movers"]} <= moved
    assert movers["new_customers"] == len(set(now) - set(then)) > 0

    drift = _section(_document(briefed, SECOND), "segment_drift")["data"]
    assert drift["baseline_date"] == FIRST and drift["psi"] is not None and drift["stability"] == "stable"
    sizes_then = dict(query(briefed, f"SELECT segment_id, count(*) FROM brief_snapshots WHERE brief_date = '{FIRST}'"
                                     " GROUP BY 1"))
    assert {s["id"]: s["customers_then"] for s in drift["segments"]} == sizes_then
    assert sum(s["customers_now"] for s in drift["segments"]) == len(now)
    assert drift["psi"] == pytest.approx(sum(s["psi"] for s in drift["segments"]), abs=1e-3)

    first_movers = _section(_document(briefed, FIRST), "lifecycle_movers")["data"]
    assert first_movers["baseline"] == "recomputed"  # no earlier brief: the stages at the previous period's end


def test_newly_lapsing_vips_are_listed_by_id_and_really_slipped(briefed: Path) -> None:
    movers = _section(_document(briefed, FIRST), "lifecycle_movers")["data"]
    assert movers["new_lapsing_vips_total"] == len(movers["new_lapsing_vips"]) > 0
    ids = [vip["customer_id"] for vip in movers["new_lapsing_vips"]]
    rows = dict(query(briefed, "SELECT customer_id, lifecycle || '/' || value_tier FROM brief_snapshots "
                               f"WHERE brief_date = '{FIRST}'"))
    assert {rows[cid] for cid in ids} == {"lapsing/high"}
    assert all(vip["was"] != "lapsing" for vip in movers["new_lapsing_vips"])
    markdown = (briefed / "reports" / f"brief-{FIRST}.md").read_text(encoding="utf-8")
    assert ids[0] in markdown


def test_the_first_brief_sees_the_shop_as_it_was_on_its_date(briefed: Path) -> None:
    document = _document(briefed, FIRST)
    kpis = _section(document, "kpi_summary")["data"]
    assert kpis["period_start"] == "2026-09-14" and kpis["period_end"] == "2026-09-20"  # last full week
    customers_then = query(briefed, "SELECT count(DISTINCT customer_id) FROM orders "
                                    f"WHERE order_date <= TIMESTAMP '{FIRST} 23:59:59'")[0][0]
    snapshot = query(briefed, f"SELECT count(*) FROM brief_snapshots WHERE brief_date = '{FIRST}'")[0][0]
    assert snapshot == customers_then < 5000
    vips = next(s for s in document["sections"] if s["kind"] == "question")["answer"]
    assert vips["steps"][0]["data"]["as_of"] == FIRST  # the question's audience is as of the brief date too


def test_every_number_in_the_markdown_is_in_the_json_steps(briefed: Path) -> None:
    for day in (FIRST, SECOND):
        markdown = (briefed / "reports" / f"brief-{day}.md").read_text(encoding="utf-8")
        document = _document(briefed, day)
        steps = [step for section in document["sections"] for step in section["answer"]["steps"]]
        values, texts = _leaves(steps)
        missing = [token for token in _numbers_shown(markdown) if not _found(token, values, texts)]
        assert missing == [], missing[:10]
        assert len(_numbers_shown(markdown)) > 200  # the check has teeth


def test_running_the_same_brief_again_is_idempotent(briefed: Path) -> None:
    reports = briefed / "reports"
    before = {path.name: path.read_bytes() for path in reports.rglob(f"brief-{SECOND}*") if path.is_file()}
    result = brief_cli(briefed, "run", str(SCRIPT), "--as-of", SECOND)
    assert result.exit_code == 0, result.output
    after = {path.name: path.read_bytes() for path in reports.rglob(f"brief-{SECOND}*") if path.is_file()}
    assert after == before
    assert query(briefed, "SELECT brief_date::VARCHAR, count(*) FROM brief_runs GROUP BY 1 ORDER BY 1") == [
        (FIRST, 1), (SECOND, 1)]
    counts = query(briefed, "SELECT brief_date::VARCHAR, count(*) FROM brief_snapshots GROUP BY 1 ORDER BY 1")
    assert [count for _day, count in counts] == [
        query(briefed, f"SELECT count(*) FROM brief_snapshots WHERE brief_date = '{day}'")[0][0]
        for day in (FIRST, SECOND)] and counts[1][1] == 5000


def test_brief_list_shows_past_briefs(briefed: Path) -> None:
    result = brief_cli(briefed, "list", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [entry["brief_date"] for entry in listed] == [SECOND, FIRST]
    assert listed[0]["created_at"] == "2026-10-01 07:30:00"
    assert any(path.endswith(f"brief-{SECOND}.html") for path in listed[0]["summary"]["files"])


def test_json_flag_prints_the_brief_document(briefed: Path, tmp_path: Path) -> None:
    result = brief_cli(briefed, "run", str(SCRIPT), "--as-of", SECOND, "--out", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == _document(briefed, SECOND)
    assert {s["answer"]["planner"] for s in printed["sections"]} <= {"direct", "embedded"}
    assert all(set(s["answer"]) >= {"question", "status", "steps", "answer", "tables", "warnings"}
               for s in printed["sections"])


@pytest.mark.parametrize(("script", "expected"), [
    ("name: brief\nsections:\n  - title: KPIs\n    tool: kpi_summary\n      args: {}\n",
     r"^bad\.yaml line 5, in section 'KPIs' is not valid YAML \(.+\)\.$"),
    ("sections:\n  - title: KPIs\n    tool: kpi_summary\n  - title: Drift\n    tool: segment_drfit\n",
     r"^bad\.yaml line 4, section 2 'Drift': unknown tool 'segment_drfit'; did you mean segment_drift\? "
     r"tools are: .+\.$"),
    ("sections:\n  - title: Movers\n    tool: lifecycle_movers\n    args: {limit: lots}\n",
     r"^bad\.yaml line 2, section 1 'Movers': lifecycle_movers: limit .+ \(got 'lots'\)\.$"),
    ("sections:\n  - title: Movers\n    tool: lifecycle_movers\n    args: {since_when: '{as_of}'}\n",
     r"^bad\.yaml line 2, section 1 'Movers': lifecycle_movers takes no argument 'since_when'; it takes .+\.$"),
    ("sections:\n  - title: Trend\n    tool: kpi_trend\n    args: {end: '{period_finish}'}\n",
     r"^bad\.yaml line 2, section 1 'Trend': unknown placeholder '\{period_finish\}'; placeholders are .+\.$"),
    ("sections:\n  - title: Resegment\n    tool: run_segmentation\n",
     r"^bad\.yaml line 2, section 1 'Resegment': run_segmentation changes the workspace, which a brief never does; "
     r"run +segment-agent segment +before the brief instead\.$"),
    ("sections:\n  - title: KPIs\n    tool: kpi_summary\n    skip_when_empty: true\n",
     r"^bad\.yaml line 4, section 1 'KPIs': skip_when_empty is not a known key\.$"),
    ("period: last_fortnight\nsections:\n  - title: KPIs\n    tool: kpi_summary\n",
     r"^bad\.yaml line 1: Unknown period 'last_fortnight'; use one of .+\.$"),
    ("sections:\n  - title: Both\n    tool: kpi_summary\n    question: how are we doing?\n",
     r"^bad\.yaml line 2, section 1 'Both': give either tool: .+\.$"),
])
def test_a_bad_script_exits_1_with_one_sentence_naming_the_section_and_changes_nothing(
        sample_workspace: Path, tmp_path: Path, script: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(script, encoding="utf-8")
    runs_before = query(sample_workspace, "SELECT count(*) FROM brief_runs")
    out = tmp_path / "out"
    result = brief_cli(sample_workspace, "run", str(path), "--out", str(out))
    message = error_message(result)
    assert result.exit_code == 1, result.output
    assert re.match(expected, message), message
    assert len(sentences(message)) == 1, message
    assert not out.exists() and query(sample_workspace, "SELECT count(*) FROM brief_runs") == runs_before


def test_a_section_whose_tool_cannot_answer_becomes_a_warning(briefed: Path, tmp_path: Path) -> None:
    path = tmp_path / "segment.yaml"
    path.write_text("name: probe\nsections:\n  - title: No such segment\n    tool: profile_segment\n"
                    "    args: {segment: '99'}\n  - title: Trend\n    tool: kpi_trend\n", encoding="utf-8")
    result = brief_cli(briefed, "run", str(path), "--as-of", SECOND, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / f"probe-{SECOND}.json").read_text(encoding="utf-8"))
    first = document["sections"][0]
    assert first["problem"].startswith("No segment '99'") and first["answer"]["status"] == "refused"
    assert any(w.startswith("No such segment: No segment '99'") for w in document["warnings"])
    assert "This section could not run: No segment" in (tmp_path / f"probe-{SECOND}.md").read_text()


def test_brief_init_writes_the_default_script_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "weekly.yaml"
    first = brief_cli(tmp_path / "ws", "init", str(target))
    assert first.exit_code == 0 and target.read_text(encoding="utf-8") == SCRIPT.read_text(encoding="utf-8")
    again = brief_cli(tmp_path / "ws", "init", str(target))
    assert again.exit_code == 1 and "already exists; pass --force" in error_message(again)


def _leaves(value: Any) -> tuple[list[float], list[str]]:
    numbers: list[float] = []
    texts: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, bool) or item is None:
            return
        if isinstance(item, int | float):
            numbers.append(float(item))
        elif isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                texts.append(str(key))
                walk(child)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(value)
    numbers += [float(token.replace(",", "")) for text in texts for token in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]
    return numbers, texts


def _numbers_shown(markdown: str) -> list[str]:
    """Numbers a reader sees: not in headings (the script's own titles), image links or quoted questions."""
    lines = [line for line in markdown.splitlines()
             if not line.startswith(("#", "![", "*Question:*"))]
    text = "\n".join(lines)
    dates = DATE.findall(text)
    return dates + NUMBER.findall(DATE.sub(" ", text))


def _found(token: str, values: list[float], texts: list[str]) -> bool:
    if DATE.fullmatch(token):
        return any(token in text for text in texts)
    raw = token.rstrip("%").replace(",", "")
    value = float(raw)
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    tolerance = 0.5 * 10 ** -decimals + 1e-9
    candidates = [value]
    if token.endswith("%"):
        candidates.append(value / 100)  # a share shown as a percentage
    return any(abs(abs(candidate) - abs(known)) <= tolerance * (0.01 if candidate != value else 1)
               for candidate in candidates for known in values)


def test_rising_themes_read_only_the_briefs_week_against_the_texts_before(briefed: Path) -> None:
    document = _document(briefed, SECOND)
    themes = _section(document, "themes")
    start, end = document["period"]["start"], document["period"]["end"]
    assert themes["args"]["versus"] == "earlier" and themes["args"]["end"] == end
    (in_week,) = query(briefed, "SELECT count(*) FROM texts WHERE trim(text) <> '' AND CAST(date AS DATE) "
                                f"BETWEEN DATE '{start}' AND DATE '{end}'")[0]
    assert themes["data"]["texts"] == in_week > 0
    assert themes["data"]["terms"] and all(t["texts"] >= 2 for t in themes["data"]["terms"])
