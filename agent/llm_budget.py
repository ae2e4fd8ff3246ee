"""How long a language model may take, and when to stop asking it (DESIGN.md §9).

Measured against a real llama.cpp server, an answer with no overall limit took 498 s (request timeout ×
retries) and a closed port cost 35 s per question. So every model call goes through :func:`call_model`:

- one :class:`Deadline` per answer covers every request in it — the agent's turns, their retries, the tool
  calls between them and the copywriter; a request's own timeout is what is left of it;
- only retryable failures are retried — HTTP 429 (after the server's ``Retry-After``), 5xx and timeouts —
  with jittered exponential backoff, and only while the deadline leaves room;
- a :class:`CircuitBreaker` per command remembers that the model failed, so a chat's next question, the
  copywriter or the segment namer do not wait for it again (it closes after ``breaker_reset_s``).

Failures raise :class:`ModelUnavailable` with one clause saying why and how long it waited.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
# A retry is only worth sending with at least this much of the deadline left for the reply.
MIN_REQUEST_SECONDS = 0.5
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 4.0


class LlmFailure(Exception):
    """The model could not produce a usable, grounded answer; the caller falls back without it."""

    def __init__(self, reason: str, waited: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.waited = waited

    def __str__(self) -> str:
        return self.reason if self.waited is None else f"{self.reason}; waited {self.waited:.1f} s"


class ModelUnavailable(LlmFailure):
    """The model could not be reached, failed, or ran out of time (as opposed to answering badly)."""


@dataclass
class Deadline:
    """The time one answer may spend with the model, from when it started."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float:
        return self.seconds - self.elapsed()

    def request_timeout(self, cap: float) -> float:
        """A request's timeout: the configured cap, or less when the deadline is nearer."""
        remaining = self.remaining()
        if remaining <= 0:
            raise ModelUnavailable(f"no reply within the {self.seconds:g} s deadline", self.elapsed())
        return max(0.05, min(cap, remaining))


@dataclass
class CircuitBreaker:
    """Open after a failure: calls fail at once (no waiting) until ``reset_after`` seconds have passed."""

    reset_after: float
    clock: Callable[[], float] = time.monotonic
    reason: str | None = None
    opened_at: float | None = None

    def check(self) -> None:
        """Raise :class:`ModelUnavailable` at once while the breaker is open."""
        if self.opened_at is None:
            return
        ago = self.clock() - self.opened_at
        if ago >= self.reset_after:
            self.reason = self.opened_at = None
            return
        raise ModelUnavailable(f"skipped, as it failed {ago:.1f} s ago in this command: {self.reason}", 0.0)

    def trip(self, reason: str) -> None:
        self.reason, self.opened_at = reason, self.clock()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


@dataclass(frozen=True)
class Diagnosis:
    """What went wrong with one request, in words, and whether sending it again can help."""

    reason: str
    retryable: bool = False
    retry_after: float | None = None
    timed_out: bool = False


@dataclass
class RetryPolicy:
    """How often and how patiently to retry; ``sleep`` and ``rng`` are injectable for tests."""

    max_retries: int = 2
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter (50–100% of the step), so clients do not retry in lockstep."""
        step = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** attempt)
        return step * self.rng.uniform(0.5, 1.0)


def call_model(send: Callable[[], T], deadline: Deadline, breaker: CircuitBreaker, policy: RetryPolicy) -> T:
    """``send()`` one model request under the deadline, retrying what may succeed on a second try.

    Raises :class:`ModelUnavailable` (and opens the breaker) when the model cannot answer; any exception
    that is not about the model's transport (a bug, a Ctrl-C) passes through unchanged.
    """
    breaker.check()
    attempt = 0
    while True:
        deadline.request_timeout(float("inf"))  # no time left: fail before sending
        try:
            return send()
        except LlmFailure:
            raise
        except Exception as exc:
            problem = diagnose(exc)
            if problem is None:
                raise
            reason = problem.reason
            if problem.timed_out and deadline.remaining() <= MIN_REQUEST_SECONDS:
                reason = f"no reply within the {deadline.seconds:g} s deadline"
            elif problem.retryable and attempt < policy.max_retries:
                delay = problem.retry_after if problem.retry_after is not None else policy.backoff(attempt)
                if delay + MIN_REQUEST_SECONDS < deadline.remaining():
                    policy.sleep(delay)
                    attempt += 1
                    continue
                if problem.retry_after is not None:
                    reason += f", asked to retry after {delay:g} s, past the {deadline.seconds:g} s deadline"
            if attempt:
                reason += f" after {attempt + 1} tries"
            breaker.trip(reason)
            raise ModelUnavailable(reason, deadline.elapsed()) from exc


def diagnose(exc: BaseException) -> Diagnosis | None:
    """Classify an exception raised while sending a model request; None if it is not a model failure."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return Diagnosis("the request timed out", retryable=True, timed_out=True)
    if isinstance(exc, openai.APIConnectionError):
        return Diagnosis(f"the server could not be reached: {_root_cause(exc)}")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        what = f"HTTP {status} {_status_text(exc)}".rstrip()
        if status == 429:
            return Diagnosis(what, retryable=True, retry_after=retry_after_seconds(exc.response))
        return Diagnosis(what, retryable=status >= 500)
    if isinstance(exc, openai.APIResponseValidationError | ValueError | KeyError | TypeError):
        return Diagnosis(f"the server's reply was not a valid chat completion: {type(exc).__name__}")
    if isinstance(exc, TimeoutError):
        return Diagnosis("the request timed out", retryable=True, timed_out=True)
    return None


def retry_after_seconds(response: Any) -> float | None:
    """The server's ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``, if it sent one."""
    headers = getattr(response, "headers", None) or {}
    if (milliseconds := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _status_text(exc: Any) -> str:
    """A short reason from the error body (servers put it in different places), at most 80 characters."""
    body = getattr(exc, "body", None)
    message = ""
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = str(inner.get("message", "") if isinstance(inner, dict) else inner)
    message = message or getattr(getattr(exc, "response", None), "reason_phrase", "") or ""
    message = " ".join(message.split())
    return message[:80]


def _root_cause(exc: BaseException) -> str:
    """The innermost cause's message ("connection refused"), not the client's generic wrapper."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    text = " ".join(str(exc).split()) or type(exc).__name__
    for known in ("Connection refused", "Name or service not known", "Connection reset", "No route to host"):
        if known.lower() in text.lower():
            return known.lower()
    return text[:80]
