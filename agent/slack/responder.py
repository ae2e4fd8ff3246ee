"""Answer one Slack question in its thread, exactly as ``chat`` would answer it.

:meth:`Responder.accept` is all a Bolt listener calls: it claims the question's ids (a duplicate stops
here), checks the channel, and queues the question — so Slack's 3-second acknowledgement never waits on an
answer. A pool of ``[slack] workers`` threads answers; each worker has its own :class:`Shop` (one store
cursor each: DuckDB connections are not shared between threads) and every answer reads one fresh snapshot,
so a ``segment`` or ``ingest`` running in another process is seen by the next question and never blocks this
one. Questions in one thread are answered in turn (a per-thread lock), with the thread's context loaded
from and saved to :class:`~agent.slack.threads.ThreadStore`.

Whatever happens, the thread hears back: a UserError becomes its sentence, a bug an apology with a
reference to the log, a message Slack refuses is re-posted as plain text. One JSON log line per request.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.render.slack import SlackMessage, error_message, plain_message, render_answer
from agent.slack.threads import ThreadStore
from agent.slack.uploads import Upload, answer_uploads
from tools.errors import UserError

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from agent.answer import Answer
    from agent.runtime import AgentProviders, LlmAccess, Runtime
    from agent.slack.config import SlackConfig
    from agent.slack.messages import Question
    from tools.runtime.settings import Settings
    from tools.runtime.shop import Shop

LOGGER = logging.getLogger("segment_agent.slack")
PRUNE_EVERY_SECONDS = 3600.0
REJECTED_BLOCKS = ("invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_blocks",
                   "invalid_attachments", "msg_blocks_too_long")
NOT_HERE = ("I only answer in the channels listed in [slack] channels of segment-agent.toml (and in direct "
            "messages). Ask me in a DM, or ask an admin to add this channel's id.")


class TrackedPool(ThreadPoolExecutor):
    """A thread pool that knows which of its tasks are still running, so :meth:`Responder.drain` can wait for
    questions still on their way in (Bolt runs listeners on this pool after acknowledging the request)."""

    def __init__(self, workers: int, name: str) -> None:
        super().__init__(workers, thread_name_prefix=name)
        self._pending: set[Future[Any]] = set()
        self._pending_guard = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._pending_guard:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._pending_guard:
            self._pending.discard(future)

    def pending(self) -> list[Future[Any]]:
        with self._pending_guard:
            return list(self._pending)


@dataclass
class _Worker:
    """What one answering thread owns: a Runtime of its own (its shop — one store cursor — its transcript for
    the ask log, its model access with its own per-answer deadline), built the way every command builds one."""

    runtime: Runtime
    shop: Shop
    llm: LlmAccess | None


class Responder:
    """Queue, answer, post, upload and log Slack questions for one workspace."""

    def __init__(self, workspace: Path, settings: Settings, providers: AgentProviders, config: SlackConfig,
                 client: WebClient) -> None:
        self.workspace = workspace
        self.settings = settings
        self.providers = providers
        self.config = config
        self.client = client
        self.threads = ThreadStore(workspace, config.keep_days)
        self.intake = TrackedPool(4, "slack-intake")  # Bolt's listeners: claim, check, queue — never answer
        self.pool = TrackedPool(config.workers, "slack-answer")
        self._local = threading.local()
        self._workers: list[_Worker] = []
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()
        self.threads.prune()
        self._pruned = time.monotonic()

    # -- intake (runs inside Bolt's listener: fast, never answers) ----------------------------------------

    def accept(self, question: Question | None, respond_url: str | None = None) -> str:
        """Claim and queue ``question``; returns the outcome ("queued", "duplicate", "not_allowed",
        "ignored") for the caller's acknowledgement and the log."""
        if question is None:
            return "ignored"
        if time.monotonic() - self._pruned > PRUNE_EVERY_SECONDS:
            self._pruned = time.monotonic()
            self.threads.prune()
        if not self.threads.claim(*question.dedupe_keys()):
            self._log(question, "duplicate", started=time.perf_counter())
            return "duplicate"
        if not self.config.answers_in(question.channel, question.is_direct):
            if question.kind == "mention":
                self._call("chat_postEphemeral", channel=question.channel, user=question.user, text=NOT_HERE)
            self._log(question, "not_allowed", started=time.perf_counter())
            return "not_allowed"
        self.pool.submit(self._answer, question, respond_url, time.perf_counter())
        return "queued"

    # -- answering (a worker thread) ----------------------------------------------------------------------

    def _answer(self, question: Question, respond_url: str | None, queued: float) -> None:
        reacted = self._react(question, "reactions_add")
        record: dict[str, Any] = {}
        try:
            with self._lock_for(question):
                record = self._answer_in_thread(question, respond_url)
            outcome = "answered"
        except Exception as exc:  # never silence: the thread always hears back
            outcome, record = "failed", {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            if not isinstance(exc, UserError):
                LOGGER.exception("slack answer failed (event %s)", question.event_id)
            self._post_failure(question, exc, respond_url)
        finally:
            if reacted:
                self._react(question, "reactions_remove")
        self._log(question, outcome, started=queued, **record)

    def _answer_in_thread(self, question: Question, respond_url: str | None) -> dict[str, Any]:
        from agent.answering import Session, answer_question

        worker = self._worker()
        state = self.threads.load(question.channel, question.thread_ts) if question.thread_ts else None
        session = Session(worker.shop, worker.llm, worker.runtime.transcript, "slack")
        if state is not None:
            session.context = state.context
            previous = state.previous_answer()
            if previous is not None:
                session.history.append(previous)
        answer = answer_question(session, question.text, self.config.planner_choice)
        allow_pii = self.config.may_post_pii(question.is_direct)
        asked_by = question.user if question.kind == "command" else None
        message = render_answer(answer, allow_pii=allow_pii, table_rows=self.config.table_rows, asked_by=asked_by)
        uploads = answer_uploads(answer, allow_pii=allow_pii, cut_tables=message.cut_tables,
                                 reports_dir=worker.shop.reports_dir, charts=self.config.charts)
        if uploads:  # the same message, now saying which files follow it
            message = render_answer(answer, allow_pii=allow_pii, table_rows=self.config.table_rows,
                                    asked_by=asked_by, files_note=_files_note(uploads))
        thread_ts = self._post(question, message, answer, respond_url)
        try:
            self.threads.save(question.channel, thread_ts, session.context, answer)
        except sqlite3.Error as exc:  # the answer is out; only this thread's follow-ups lose their context
            LOGGER.warning("could not save the thread's context (%s); its next question starts afresh", exc)
        uploaded = self._upload(question.channel, thread_ts, uploads)
        return {"status": answer.status, "planner": answer.planner, "thread_ts": thread_ts,
                "tools": [step.tool for step in answer.steps], "rows": [step.rows for step in answer.steps],
                "files": uploaded, "blocks": len(message.blocks)}

    def _post(self, question: Question, message: SlackMessage, answer: Answer, respond_url: str | None) -> str:
        """Post the answer; Slack refusing the blocks gets the plain-text version instead. Returns the
        thread the answer is in (a slash command's answer starts its own)."""
        from slack_sdk.errors import SlackApiError

        try:
            response = self._post_message(question, message)
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error == "not_in_channel" and respond_url:
                self._respond(respond_url, "Invite me to this channel first (/invite @segment-agent), or ask me "
                                           "in a direct message.")
                raise UserError("The bot is not a member of this channel.") from exc
            if error not in REJECTED_BLOCKS:
                raise
            LOGGER.warning("Slack refused the answer's blocks (%s); posting it as plain text", error)
            response = self._post_message(question, plain_message(answer))
        return question.thread_ts or str(response["ts"])

    def _post_message(self, question: Question, message: SlackMessage) -> Any:
        arguments: dict[str, Any] = {"channel": question.channel, "text": message.text, "unfurl_links": False,
                                     "unfurl_media": False}
        if message.blocks:
            arguments["blocks"] = message.blocks
        if question.thread_ts:
            arguments["thread_ts"] = question.thread_ts
        return self.client.chat_postMessage(**arguments)

    def _upload(self, channel: str, thread_ts: str, uploads: list[Upload]) -> list[str]:
        """Upload the answer's files into its thread; a failed upload is said in the thread, not hidden."""
        if not uploads:
            return []
        from slack_sdk.errors import SlackApiError

        try:
            self.client.files_upload_v2(channel=channel, thread_ts=thread_ts,
                                        file_uploads=[upload.as_slack() for upload in uploads])
        except (SlackApiError, OSError) as exc:
            LOGGER.warning("uploading %s failed: %s", [u.filename for u in uploads], exc)
            self._call("chat_postMessage", channel=channel, thread_ts=thread_ts,
                       text=f":warning: I couldn't attach {', '.join(u.filename for u in uploads)} "
                            f"({type(exc).__name__}); ask again, or run the reproduce command above.")
            return []
        return [upload.filename for upload in uploads]

    def _post_failure(self, question: Question, exc: Exception, respond_url: str | None) -> None:
        if isinstance(exc, UserError):
            sentence = str(exc)
        else:
            sentence = (f"Something went wrong on my side ({type(exc).__name__}); the bot's log has the details "
                        f"under event {question.event_id or 'unknown'}. Try again, or rephrase the question.")
        message = error_message(sentence)
        if question.thread_ts is None and respond_url:
            self._respond(respond_url, message.text)  # a slash command: only the person who asked sees it
            return
        self._call("chat_postMessage", channel=question.channel, thread_ts=question.thread_ts, text=message.text,
                   blocks=message.blocks)

    # -- helpers ------------------------------------------------------------------------------------------

    def _worker(self) -> _Worker:
        """This thread's runtime and shop (built on first use, kept for the bot's lifetime), wired exactly as
        ``chat`` wires its own: ``planner = "embedded"`` keeps every model out, copywriter included."""
        worker = getattr(self._local, "worker", None)
        if worker is None:
            from agent.runtime import Runtime

            runtime = Runtime(self.workspace, providers=self.providers, command="segment-agent slack")
            runtime.settings = self.settings  # parsed once at start, shared by every worker
            use_llm = self.config.planner != "embedded"
            worker = _Worker(runtime, runtime.shop(use_llm=use_llm), runtime.llm if use_llm else None)
            self._local.worker = worker
            with self._guard:
                self._workers.append(worker)
        return worker

    def _lock_for(self, question: Question) -> threading.Lock:
        key = (question.channel, question.thread_ts or f"new:{question.event_id}")
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _react(self, question: Question, method: str) -> bool:
        if not self.config.progress_reaction or not question.message_ts:
            return False
        return self._call(method, channel=question.channel, timestamp=question.message_ts,
                          name=self.config.progress_reaction) is not None

    def _call(self, method: str, **arguments: Any) -> Any:
        """A Web API call whose failure must not stop the answer (reactions, notices): logged, None."""
        from slack_sdk.errors import SlackApiError

        try:
            return getattr(self.client, method)(**{k: v for k, v in arguments.items() if v is not None})
        except (SlackApiError, OSError) as exc:
            LOGGER.warning("%s failed: %s", method, getattr(exc, "response", {}).get("error", exc)
                           if isinstance(exc, SlackApiError) else exc)
            return None

    def _respond(self, response_url: str, text: str) -> None:
        from slack_sdk.webhook import WebhookClient

        try:
            WebhookClient(response_url).send(text=text, response_type="ephemeral")
        except OSError as exc:
            LOGGER.warning("responding to the slash command failed: %s", exc)

    def _log(self, question: Question, outcome: str, *, started: float, **fields: Any) -> None:
        """One structured line per request: what arrived, what became of it, how long it took."""
        line = {"event": question.event_id or None, "kind": question.kind, "channel": question.channel,
                "thread": question.thread_ts, "retry": question.retry, "outcome": outcome, **fields,
                "ms": round((time.perf_counter() - started) * 1000, 1)}
        LOGGER.info(json.dumps(line, default=str, ensure_ascii=False))

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every question received so far has been answered (tests, and a clean shutdown)."""
        from concurrent.futures import wait

        deadline = None if timeout is None else time.monotonic() + timeout
        while pending := self.intake.pending() + self.pool.pending():
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            done, _ = wait(pending, remaining)
            if len(done) < len(pending):
                raise TimeoutError(f"{len(pending) - len(done)} Slack question(s) still being answered")

    def close(self) -> None:
        """Finish the questions in hand, then close every worker's shop."""
        self.intake.shutdown(wait=True)
        self.pool.shutdown(wait=True)
        with self._guard:
            for worker in self._workers:
                worker.runtime.close()
            self._workers.clear()


def _files_note(uploads: list[Upload]) -> str | None:
    if not uploads:
        return None
    described = [f"{u.filename} ({u.rows:,} rows)" if u.rows is not None else u.filename for u in uploads]
    return "In this thread: " + ", ".join(described) + "."
