"""OpenAI-compatible servers on 127.0.0.1 for the LLM tests: scripted replies and faults, replayed fixtures,
and a recording proxy in front of a real model server. Every request body is kept for the wire audit.

A script is a function ``(request, number) -> Reply``: ``request`` is the decoded JSON body, ``number`` counts
requests from 0. Delays wait on an event that closing the server sets, so no test waits for a sleeping thread.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "llm"


@dataclass
class Reply:
    """One HTTP reply: status, body (a dict is sent as JSON, bytes as they are), headers, and a delay."""

    status: int = 200
    body: dict[str, Any] | bytes = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Script = Callable[[dict[str, Any], int], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeModelServer:
    """``/v1/chat/completions`` answered by ``script``; ``requests`` holds every decoded request body."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self.closing = threading.Event()
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                text = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with outer._lock:
                    number = len(outer.raw)
                    outer.raw.append(text)
                    outer.requests.append(json.loads(text))
                reply = outer.script(outer.requests[number], number)
                if reply.delay and outer.closing.wait(reply.delay):
                    return
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (its deadline passed)
                    pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (the port was just free)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def completion(content: str | None = "", tool_calls: list[dict[str, Any]] | None = None,
               model: str = "test-model") -> dict[str, Any]:
    """A non-streaming chat completion in OpenAI's shape."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def tool_call(name: str, args: dict[str, Any] | str, call_id: str = "call_1") -> dict[str, Any]:
    arguments = args if isinstance(args, str) else json.dumps(args)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def has_tool_result(request: dict[str, Any]) -> bool:
    return any(message.get("role") == "tool" for message in request.get("messages", []))


def plan(name: str, args: dict[str, Any] | str, final: str = "Here is what the tools found.") -> Script:
    """Call one tool, then answer with ``final`` once the tool result is in the conversation."""
    def script(request: dict[str, Any], _number: int) -> Reply:
        if has_tool_result(request):
            return Reply(body=completion(final))
        return Reply(body=completion("", [tool_call(name, args)]))
    return script


def fail_then(status: int, failures: int, then: Script, headers: dict[str, str] | None = None) -> Script:
    """``failures`` replies with ``status`` (an OpenAI-style error body), then ``then``."""
    def script(request: dict[str, Any], number: int) -> Reply:
        if number < failures:
            return Reply(status, {"error": {"message": f"scripted {status}", "type": "server_error"}}, headers or {})
        return then(request, number - failures)
    return script


def always(reply: Reply) -> Script:
    return lambda _request, _number: reply


def replay(fixture: str) -> Script:
    """Replay the recorded responses of ``tests/fixtures/llm/<fixture>.json`` in order (the last repeats)."""
    responses = json.loads((FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))["responses"]
    return lambda _request, number: Reply(body=responses[min(number, len(responses) - 1)])


class RecordingProxy:
    """Forwards every request to ``upstream`` and keeps its body (and the reply's) for the wire audit."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.exchanges: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = urllib.request.Request(outer.upstream + self.path.removeprefix("/v1"), data=body,
                                                 headers={"Content-Type": "application/json"}, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=600) as response:
                        status, data = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, data = error.code, error.read()
                except OSError:
                    status, data = 502, b'{"error": {"message": "upstream unreachable"}}'
                with outer._lock:
                    outer.exchanges.append((body.decode(), data.decode(errors="replace")))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @property
    def bodies(self) -> list[str]:
        return [request for request, _reply in self.exchanges]

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
