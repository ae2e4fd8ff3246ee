"""Answers a marketing analyst would trust, end to end on the sample shop: the buy-again score shown and sorted,
wording that reads right, numbers never cut, exports only when asked, "the first one", English-only drafts,
and a ``status`` a script can check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from shop_builders import RUNNER

from agent.answer import Answer
from agent.answering import Session, answer_question
from agent.chat_loop import run_chat
from agent.cli import app
from agent.render.terminal import render_answer
from tools.runtime.shop import Shop


@pytest.fixture(autouse=True)
def _no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGMENT_AGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)


def _run(shop: Path, *args: str, columns: int = 400):  # noqa: ANN202
    return RUNNER.invoke(app, ["-w", str(shop), *args], env={"COLUMNS": str(columns)})


def _json(shop: Path, *args: str) -> dict:
    result = _run(shop, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_customers_sorted_by_the_buy_again_score_show_it(sample_workspace: Path) -> None:
    answer = _json(sample_workspace, "customers", "--sort", "buy_again", "--limit", "50")
    table = answer["tables"][0]
    column = table["columns"].index("buy_again_score")
    scores = [row[column] for row in table["rows"]]
    assert table["kinds"][column] == "probability" and all(0 <= s <= 1 for s in scores)
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    assert answer["steps"][0]["args"]["sort_by"] == "buy_again_score"
    assert "chance of buying again in the next 90 days" in answer["answer"]
    csv = _run(sample_workspace, "customers", "--sort", "buy_again", "--limit", "3", "--format", "csv").stdout
    assert "buy_again_score" in csv.splitlines()[0]


def test_asking_who_will_buy_again_answers_with_that_sort(sample_workspace: Path) -> None:
    asked = _json(sample_workspace, "ask", "which customers are likely to buy again in the next 90 days?")
    assert asked["steps"][0]["args"]["sort_by"] == "buy_again_score"
    assert asked["reproduce"] == ["segment-agent customers --sort buy_again_score"]


def test_explain_shows_the_chance_of_buying_again_and_never_top_0_percent(sample_workspace: Path) -> None:
    top = _json(sample_workspace, "customers", "--sort", "monetary", "--limit", "1")["tables"][0]["rows"][0][0]
    answer = _json(sample_workspace, "explain", str(top))
    data = answer["steps"][0]["data"]
    assert 0 <= data["numbers"]["buy_again_score"] <= 1
    assert "top 0%" not in answer["answer"] and "top 0.02%" in answer["answer"]  # 1 of 5,000
    assert "Chance of buying again in the next 90 days" in answer["answer"]


@pytest.mark.parametrize(("question", "reads", "never"), [
    ("customers in Germany", "customers in Germany** as of", "Germany customers"),
    ("how many customers do we have", "customers** as of", "customers customers"),
    ("who bought more than 10 times but not in the last 30 days?", "with at least 11 orders whose last order was 30 "
                                                                   "or more days ago", "≥"),
])
def test_audience_sentences_read_like_english(sample_workspace: Path, question: str, reads: str, never: str) -> None:
    answer = _json(sample_workspace, "ask", question)["answer"]
    assert reads in answer and never not in answer


def test_one_customer_is_one_customer(sample_workspace: Path) -> None:
    top, second = (row[5] for row in _json(sample_workspace, "customers", "--sort", "monetary", "--limit", "2")[
        "tables"][0]["rows"])
    threshold = int(second) + 1
    assert threshold <= top
    answer = _json(sample_workspace, "ask", f"customers who spent more than {threshold} pounds")["answer"]
    assert f"**1 customer who spent at least {threshold:,}**" in answer


@pytest.mark.parametrize("command", [["customers", "--lifecycle", "lapsing", "--limit", "8"],
                                     ["breakdown", "--by", "country"], ["kpis", "--period", "month"]])
def test_piped_output_at_80_columns_never_cuts_a_number(sample_workspace: Path, command: list[str]) -> None:
    from agent.render.cells import format_cell
    from tools.results import Column, Kind, Table

    answer = _json(sample_workspace, *command)
    piped = _run(sample_workspace, *command, columns=80).stdout
    assert "…" not in piped.replace("… showing", "")
    for shown in answer["tables"]:
        # the JSON carries column and row kinds; the Table reads each cell's kind the way the renderer does
        row_kinds = [Kind(k) for k in shown["row_kinds"]] if shown.get("row_kinds") else None
        columns = [Column(n, Kind(k)) for n, k in zip(shown["columns"], shown["kinds"], strict=True)]
        table = Table(shown["title"], columns, shown["rows"], row_kinds=row_kinds)
        for r, row in enumerate(table.rows[:8]):
            for c, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    assert format_cell(value, table.kind_at(r, c)) in piped, (value, table.kind_at(r, c))


def test_a_narrow_terminal_leaves_whole_columns_out_and_names_them(sample_workspace: Path) -> None:
    session = Session(Shop(sample_workspace))
    answer = answer_question(session, "show me the top 5 lapsing customers", "embedded")
    console = Console(record=True, width=80, force_terminal=True, color_system=None)
    render_answer(answer, console, show_steps=False)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "more columns:" in text and "…" not in text.replace("… showing", "")
    for row in answer.tables[0].rows:
        assert f"{row[answer.tables[0].names.index('monetary')]:,.2f}" in text


def test_square_brackets_in_answers_and_warnings_print_as_typed() -> None:
    answer = Answer("q", "embedded", answer="Set the voice in [brand] of segment-agent.toml; [bold]x[/bold] [/x]")
    answer.warnings.append("[brand] max_discount is 20 [/x]")
    console = Console(record=True, width=120)
    render_answer(answer, console)
    text = console.export_text()
    assert "[brand] of segment-agent.toml; [bold]x[/bold] [/x]" in text and "[brand] max_discount is 20 [/x]" in text


def test_the_same_export_asked_twice_rewrites_its_own_report(sample_workspace: Path) -> None:
    question = "export lapsing high-value customers to a CSV"
    first, second = (_json(sample_workspace, "ask", question) for _ in range(2))
    assert first["status"] == second["status"] == "answered"
    assert first["steps"][0]["data"]["path"] == second["steps"][0]["data"]["path"]
    assert "--force" not in second["answer"]


def _chat(shop: Path, lines: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[Session, str]:
    session = Session(Shop(shop))
    feed = iter([*lines, "/quit"])
    run_chat(session, "embedded", input_fn=lambda _prompt: next(feed))
    return session, capsys.readouterr().out


def test_in_chat_an_export_happens_only_when_asked(sample_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = sample_workspace / "reports"
    before = set(reports.glob("*")) if reports.exists() else set()
    session, _ = _chat(sample_workspace, ["who are my lapsing VIPs in the UK?", "export them", "what about Germany?",
                                          "only the lapsed ones", "sort by spend"], capsys)
    written = set(reports.glob("*")) - before
    assert len(written) <= 1 and all("united-kingdom" in path.name for path in written)
    assert [answer.steps[0].tool for answer in session.history] == [
        "find_customers", "export_audience", "find_customers", "find_customers", "find_customers"]
    assert session.history[2].steps[0].args["country"] == "Germany"


def test_in_chat_the_first_one_is_the_first_row_of_the_last_table(sample_workspace: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    session, output = _chat(sample_workspace, ["show me the top 10 lapsing customers", "why is the first one "
                                               "lapsing?", "and the third one?"], capsys)
    listed = [str(row[0]) for row in session.history[0].tables[0].rows]
    assert session.history[1].steps[0].tool == "explain_customer"
    assert session.history[1].steps[0].args["customer_id"] == listed[0]
    assert session.history[2].steps[0].args["customer_id"] == listed[2]
    assert f"Customer {listed[0]} is lapsing" in output


def test_asking_for_german_copy_says_english_only_and_leaves_the_drafts(sample_workspace: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    session, output = _chat(sample_workspace, ["write a win-back email for lapsed customers", "write it in German"],
                            capsys)
    german = session.history[-1]
    assert german.status == "refused" and german.steps == [] and "English only" in german.answer
    assert "in German" in output


@pytest.mark.parametrize(("question", "status"), [
    ("who are my lapsing customers?", "answered"),
    ("delete all the orders", "refused"),
    ("customers in Japan", "refused"),
    ("blah blah", "not_understood"),
    ("explain the customer", "not_understood"),
    ("explain customer C99999", "refused"),
    ("thanks!", "answered"),
])
def test_every_answer_has_a_status_a_script_can_check(sample_workspace: Path, question: str, status: str) -> None:
    answer = _json(sample_workspace, "ask", question)
    assert answer["status"] == status
    assert (answer["steps"] == []) == (status != "answered" or question == "thanks!")


def test_the_new_tools_are_offered_to_the_language_model() -> None:
    from agent.prompts import system_prompt
    from agent.toolbox import registry

    offered = registry(for_agent=True)
    assert {"breakdown", "themes"} <= set(offered)
    prompt = system_prompt()
    assert "breakdown" in prompt and "themes" in prompt


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-persona shop segmented with the fake encoder."""
    from conftest import FakeEncoder, ingest_shop, write_segment_shop

    from agent.runtime import AgentProviders

    root = tmp_path_factory.mktemp("analyst-segments")
    ingest_shop(root / "ws", write_segment_shop(root / "files"))
    result = RUNNER.invoke(app, ["-w", str(root / "ws"), "segment", "--k", "3"],
                           obj=AgentProviders(encoder=FakeEncoder()))
    assert result.exit_code == 0, result.output
    return root / "ws"


def _ask_with_encoder(workspace: Path, question: str) -> dict:
    from conftest import FakeEncoder

    from agent.runtime import AgentProviders

    result = RUNNER.invoke(app, ["-w", str(workspace), "ask", question, "--json"],
                           obj=AgentProviders(encoder=FakeEncoder()))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_segment_named_by_meaning_is_found_through_the_shops_encoder(segmented: Path) -> None:
    from conftest import TOPIC_WORDS

    from agent.planner.segments import _reserved_stems
    from agent.planner.text import stem

    overview = _ask_with_encoder(segmented, "what segments do we have?")["steps"][0]["data"]["segments"]
    dogs = next(s for s in overview if {"dog", "pets"} & {*s["terms"], *map(str.lower, map(str, s["top_categories"]))})
    words = {stem(w) for s in overview for phrase in (s["name"], *s["terms"]) for w in phrase.lower().split()}
    unused = sorted(w for w in TOPIC_WORDS[2] if stem(w) not in words and stem(w) not in _reserved_stems())
    assert unused, "every dog word names a segment already"
    answer = _ask_with_encoder(segmented, f"tell me about the {unused[0]} crowd")
    assert answer["steps"][0]["args"] == {"segment": str(dogs["id"])}
    assert any("by meaning" in warning for warning in answer["warnings"])


def test_segments_by_name_and_unknown_names_on_a_real_run(segmented: Path) -> None:
    overview = _ask_with_encoder(segmented, "what segments do we have?")["steps"][0]["data"]["segments"]
    by_words = _ask_with_encoder(segmented, f"describe the {overview[0]['terms'][0]} segment")
    assert by_words["steps"][0]["args"] == {"segment": str(overview[0]["id"])}
    missing = _ask_with_encoder(segmented, "tell me about the astronaut segment")
    assert missing["status"] == "refused" and "No segment matches “astronaut”" in missing["answer"]
    numbered = _ask_with_encoder(segmented, "describe segment 0")
    ids = ", ".join(str(s["id"]) for s in overview)
    assert numbered["status"] == "refused" and "no segment 0" in numbered["answer"] and ids[0] in numbered["answer"]


def test_customers_who_bought_a_product_are_exactly_its_buyers(sample_workspace: Path) -> None:
    from shop_builders import query

    product, buyers = query(sample_workspace, "SELECT product_name, count(DISTINCT customer_id) FROM orders "
                                              "WHERE NOT is_return GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0]
    expected = {cid for (cid,) in query(sample_workspace, "SELECT DISTINCT customer_id FROM orders WHERE NOT "
                                                          f"is_return AND product_name = '{product}'")}
    listed = _json(sample_workspace, "customers", "--product", product.lower(), "--all")
    assert {row[0] for row in listed["tables"][0]["rows"]} == expected and len(expected) == buyers
    asked = _json(sample_workspace, "ask", f"who bought the {product}?")
    assert asked["steps"][0]["tool"] == "find_customers" and asked["steps"][0]["args"]["product"] == product
    assert {row[0] for row in asked["tables"][0]["rows"]} <= expected
    assert asked["steps"][0]["data"]["total"] == len(expected)


def test_a_misspelt_product_is_refused_with_the_closest_names(sample_workspace: Path) -> None:
    from shop_builders import query

    (product,) = query(sample_workspace, "SELECT min(product_name) FROM orders")[0]
    result = _run(sample_workspace, "customers", "--product", product[:-1] + "zz")
    assert result.exit_code == 1 and "Did you mean" in result.output and product in result.output
