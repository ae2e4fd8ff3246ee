"""Deadlines, retries and the circuit breaker (DESIGN.md §9), against misbehaving servers on 127.0.0.1.

Measured before: a slow server cost 498 s per answer and a closed port 35 s, with the copywriter trying the
dead model again. Here every fault — closed port, a server that sleeps, HTTP 429, HTTP 500, a reply that is
not JSON — ends in an embedded-planner answer with one warning sentence naming the cause and the time
waited; what is asserted is the behaviour (requests sent, retries, what was skipped), never the clock —
``bench/llm_deadlines.py`` prints the timings.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import httpx
import openai
import pytest
from llm_servers import FakeModelServer, Reply, always, closed_port_url, completion, fail_then, plan
from shop_builders import RUNNER, sentences

from agent.cli import app
from agent.llm_budget import CircuitBreaker, Deadline, ModelUnavailable, RetryPolicy, call_model

HEADLINE = "who are my lapsing high-value customers?"
LAPSING_VIPS = {"lifecycle": ["lapsing"], "value_tier": ["high"]}


@pytest.fixture
def workspace(sample_workspace: Path, tmp_path: Path) -> Path:
    """A copy of the sample shop whose ``[llm]`` settings each test may change."""
    root = tmp_path / "ws"
    shutil.copytree(sample_workspace, root)
    _settings(root)
    return root


def _settings(root: Path, **values: object) -> None:
    settings = {"timeout_seconds": 10.0, "max_retries": 1, "deadline_s": 20.0, **values}
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    (root / "segment-agent.toml").write_text("[llm]\n" + "\n".join(lines) + "\n")


def _run(root: Path, base_url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    env = {"OPENAI_BASE_URL": base_url, "SEGMENT_AGENT_MODEL": "test-model", "OPENAI_API_KEY": None}
    result = RUNNER.invoke(app, ["-w", str(root), *args], env=env, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _ask(root: Path, base_url: str, question: str = HEADLINE) -> dict:
    code, stdout, stderr = _run(root, base_url, "ask", question, "--planner", "llm", "--json")
    assert code == 0, stderr
    return json.loads(stdout)


def _fallback_warning(answer: dict) -> str:
    assert answer["planner"] == "embedded"
    assert [step["tool"] for step in answer["steps"]] == ["find_customers"]
    [warning] = [w for w in answer["warnings"] if "language model" in w]
    assert len(sentences(warning)) == 1 and warning.endswith("answered with the embedded planner.")
    assert "waited " in warning
    return warning


def test_a_closed_port_is_one_quick_failure_not_a_retry_loop(workspace) -> None:
    warning = _fallback_warning(_ask(workspace, closed_port_url()))
    assert "could not be reached: connection refused" in warning


def test_a_server_that_never_answers_is_cut_off_at_the_deadline(workspace) -> None:
    _settings(workspace, deadline_s=1.0)
    with FakeModelServer(always(Reply(200, completion("too late"), delay=30))) as server:
        warning = _fallback_warning(_ask(workspace, server.base_url))
    assert "no reply within the 1 s deadline" in warning
    assert len(server.requests) == 1, "no retry is started once the deadline is spent"


def test_http_429_with_a_retry_after_past_the_deadline_is_not_waited_for(workspace) -> None:
    reply = Reply(429, {"error": {"message": "rate limited"}}, {"Retry-After": "30"})
    with FakeModelServer(always(reply)) as server:
        warning = _fallback_warning(_ask(workspace, server.base_url))
    assert "HTTP 429" in warning and "retry after 30 s, past the 20 s deadline" in warning
    assert len(server.requests) == 1


def test_http_429_with_a_short_retry_after_is_retried_and_answered_by_the_model(workspace) -> None:
    script = fail_then(429, 1, plan("find_customers", LAPSING_VIPS), {"Retry-After": "1"})
    with FakeModelServer(script) as server:
        answer = _ask(workspace, server.base_url)
    assert answer["planner"] == "llm:test-model" and answer["warnings"] == []
    assert len(server.requests) == 3  # the 429, the retried tool call, the final message


def test_http_500_is_retried_max_retries_times_then_falls_back(workspace) -> None:
    with FakeModelServer(always(Reply(500, {"error": {"message": "internal error"}}))) as server:
        warning = _fallback_warning(_ask(workspace, server.base_url))
    assert "HTTP 500 internal error after 2 tries" in warning
    assert len(server.requests) == 2


def test_a_reply_that_is_not_json_fails_at_once(workspace) -> None:
    with FakeModelServer(always(Reply(200, b"{this is not json"))) as server:
        warning = _fallback_warning(_ask(workspace, server.base_url))
    assert "not a valid chat completion" in warning
    assert len(server.requests) == 1


def test_the_breaker_skips_the_model_for_the_rest_of_a_chat(workspace) -> None:
    with FakeModelServer(always(Reply(500, {"error": {"message": "down"}}))) as server:
        code, stdout, stderr = _run(workspace, server.base_url, "chat", "--planner", "llm",
                                    stdin=f"{HEADLINE}\nonly those in Germany\n/quit\n")
    assert code == 0, stderr
    assert len(server.requests) == 2, "the second question must not wait for the failed model again"
    assert "skipped, as it failed" in " ".join(stdout.split())


def test_the_copywriter_shares_the_breaker_and_drafts_from_templates(workspace) -> None:
    with FakeModelServer(always(Reply(500, {"error": {"message": "down"}}))) as server:
        answer = _ask(workspace, server.base_url, "draft a win-back email for lapsing VIPs")
    assert len(server.requests) == 2, "only the agent's two tries; the copywriter is skipped"
    assert answer["planner"] == "embedded" and answer["drafts"]
    assert all(step["data"]["writer"] == "template" for step in answer["steps"] if step["tool"] == "draft_campaign")
    assert any("skipped, as it failed" in warning for warning in answer["warnings"])


def test_a_campaign_command_with_a_dead_model_drafts_from_templates(workspace) -> None:
    code, stdout, stderr = _run(workspace, closed_port_url(), "campaign", "--lifecycle", "lapsing", "--value", "high",
                                "--json")
    assert code == 0, stderr
    answer = json.loads(stdout)
    assert answer["steps"][0]["data"]["writer"] == "template" and answer["drafts"]
    assert any("connection refused" in warning for warning in answer["warnings"])


def test_planner_embedded_sends_no_request_even_with_a_server_configured(workspace) -> None:
    with FakeModelServer(plan("find_customers", LAPSING_VIPS)) as server:
        code, stdout, stderr = _run(workspace, server.base_url, "ask", "draft a win-back email for lapsing VIPs",
                                    "--planner", "embedded", "--json")
    assert code == 0, stderr
    assert server.requests == [] and json.loads(stdout)["drafts"]


# -- the policy itself, with a fake clock and sleep ---------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    slept: list[float]


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request, json={"error": {"message": "x"}})
    kind = {429: openai.RateLimitError, 500: openai.InternalServerError, 400: openai.BadRequestError}[status]
    return kind("x", response=response, body={"error": {"message": "x"}})


def _policy(clock: Clock, retries: int = 2) -> tuple[Deadline, CircuitBreaker, RetryPolicy]:
    clock.slept = []
    return (Deadline(20.0, clock), CircuitBreaker(60.0, clock),
            RetryPolicy(retries, sleep=clock.sleep, rng=random.Random(7)))


def test_retry_after_is_honoured_when_it_fits_the_deadline() -> None:
    clock = Clock()
    deadline, breaker, policy = _policy(clock)
    replies = iter([_status_error(429, {"Retry-After": "7"}), "ok"])

    def send() -> str:
        reply = next(replies)
        if isinstance(reply, Exception):
            raise reply
        return reply

    assert call_model(send, deadline, breaker, policy) == "ok"
    assert clock.slept == [7.0] and not breaker.is_open


def test_backoff_has_jitter_and_client_errors_are_not_retried() -> None:
    policy = RetryPolicy(3, rng=random.Random(1))
    delays = [policy.backoff(0) for _ in range(20)]
    assert all(0.25 <= d <= 0.5 for d in delays) and len(set(delays)) > 1
    clock = Clock()
    deadline, breaker, policy = _policy(clock)
    sent = []

    def bad_request() -> None:
        sent.append(1)
        raise _status_error(400)

    with pytest.raises(ModelUnavailable, match="HTTP 400"):
        call_model(bad_request, deadline, breaker, policy)
    assert sent == [1] and clock.slept == []


def test_the_breaker_fails_fast_then_closes_after_its_reset_time() -> None:
    clock = Clock()
    deadline, breaker, policy = _policy(clock, retries=0)

    def down() -> None:
        raise _status_error(500)

    with pytest.raises(ModelUnavailable):
        call_model(down, deadline, breaker, policy)
    with pytest.raises(ModelUnavailable, match="skipped, as it failed 0.0 s ago"):
        call_model(lambda: "never sent", deadline, breaker, policy)
    clock.now += 61
    assert call_model(lambda: "back", Deadline(20.0, clock), breaker, policy) == "back"


def test_a_request_gets_only_what_is_left_of_the_deadline() -> None:
    clock = Clock()
    deadline = Deadline(20.0, clock)
    assert deadline.request_timeout(30.0) == 20.0
    clock.now = 18.5
    assert deadline.request_timeout(30.0) == 1.5
    clock.now = 20.0
    with pytest.raises(ModelUnavailable, match="no reply within the 20 s deadline"):
        deadline.request_timeout(30.0)
