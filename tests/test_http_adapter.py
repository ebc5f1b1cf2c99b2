"""The http: adapter against a chat-completions stub on 127.0.0.1 started by the test.

The stub reads a behaviour keyword from the start of the document: OK, FLAKY (500
once, then fine), RATE (429 once), DOWN (always 503), SLOW (too slow once), GARBAGE
(not JSON), NOCHOICE (JSON without choices), NUMBER (non-text content), DENY (400).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from test_adapters import seed_examples

from benchmark.errors import ConfigError
from benchmark.schema import Example
from benchmark.systems import resolve_system
from benchmark.systems.registry import Failure


class Stub:
    """Shared state of the stub server: request counts, headers, concurrency."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.payloads: list[dict[str, Any]] = []
        self.auth: list[str | None] = []


class QuietHandler(BaseHTTPRequestHandler):
    """A stub's request handler: no log lines, and one way to send a whole reply."""

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = payload["messages"][-1]["content"]
            doc = prompt.split("<<", 1)[1].rsplit(">>", 1)[0]
            mode = doc.split()[0]
            with stub.lock:
                stub.calls[doc] += 1
                n = stub.calls[doc]
                stub.payloads.append(payload)
                stub.auth.append(self.headers.get("Authorization"))
                stub.in_flight += 1
                stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
            try:
                self._reply(mode, n, doc)
            finally:
                with stub.lock:
                    stub.in_flight -= 1

        def _reply(self, mode: str, n: int, doc: str) -> None:
            ok = json.dumps({"choices": [{"message": {"role": "assistant",
                                                      "content": f"  sum: {doc[:30]}  "}}]})
            if (mode == "FLAKY" and n == 1) or mode == "DOWN":
                self._send(500 if mode == "FLAKY" else 503, b"internal error")
            elif mode == "RATE" and n == 1:
                self._send(429, b"slow down", {"Retry-After": "0"})
            elif mode == "SLOW" and n == 1:
                time.sleep(1.5)
                self._send(200, ok.encode())
            elif mode == "GARBAGE":
                self._send(200, b"<html>not json</html>")
            elif mode == "NOCHOICE":
                self._send(200, b'{"error": "nothing"}')
            elif mode == "NUMBER":
                self._send(200, b'{"choices": [{"message": {"content": 42}}]}')
            elif mode == "DEEP":  # JSON nested past Python's recursion limit
                self._send(200, b"[" * 100_000 + b"]" * 100_000)
            elif mode == "DENY":
                self._send(400, b'{"error": "bad model"}')
            else:
                time.sleep(0.05)
                self._send(200, ok.encode())

    return Handler


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 (a free port) for the block: ``host:port``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def stub() -> Iterator[tuple[str, Stub]]:
    state = Stub()
    with serve(_handler(state)) as where:
        yield f"http://{where}/v1", state


def _examples(*modes: str) -> list[Example]:
    base = seed_examples()[0]
    return [base.model_copy(update={"id": f"{m}-{i}", "document": f"{m} {i} " + base.id})
            for i, m in enumerate(modes)]


def _system(url: str, **options: Any) -> Any:
    opts = {"model": "stub-model", "prompt": "Summarise: <<{document}>>", "backoff": 0.01,
            "timeout": 0.5, "retries": 2, **options}
    suffix = "&".join(f"{k}={v}" for k, v in opts.items())
    return resolve_system(f"http:{url}#{suffix}")


def test_success_payload_auth_and_concurrency(stub: tuple[str, Stub],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url, state = stub
    monkeypatch.setenv("SUMBENCH_API_KEY", "sk-test")
    examples = _examples(*["OK"] * 8)
    out = _system(url, max_concurrency=3).predict_batch(examples)
    assert out == [f"sum: {ex.document[:30]}" for ex in examples]
    assert state.auth == ["Bearer sk-test"] * 8
    assert {p["model"] for p in state.payloads} == {"stub-model"}
    assert {p["temperature"] for p in state.payloads} == {0.0}
    assert 1 < state.max_in_flight <= 3


def test_retries_on_500_429_and_timeouts_then_succeeds(stub: tuple[str, Stub]) -> None:
    url, state = stub
    examples = _examples("FLAKY", "RATE", "SLOW")
    out = _system(url).predict_batch(examples)
    assert out == [f"sum: {ex.document[:30]}" for ex in examples]
    assert [state.calls[ex.document] for ex in examples] == [2, 2, 2]


def test_gives_up_after_bounded_retries(stub: tuple[str, Stub]) -> None:
    url, state = stub
    ex = _examples("DOWN")
    start = time.perf_counter()
    (out,) = _system(url, retries=3).predict_batch(ex)
    assert time.perf_counter() - start < 5
    assert isinstance(out, Failure) and "gave up after 4 attempts" in out.reason
    assert "HTTP 503" in out.reason
    assert state.calls[ex[0].document] == 4


def test_malformed_and_refused_replies_fail_without_retry(stub: tuple[str, Stub]) -> None:
    url, state = stub
    examples = _examples("GARBAGE", "NOCHOICE", "NUMBER", "DENY", "OK", "DEEP")
    out = _system(url).predict_batch(examples)
    reasons = [o.reason if isinstance(o, Failure) else o for o in out]
    assert reasons[5] == "malformed reply: JSON nested too deeply to read"
    assert "malformed reply: not JSON" in reasons[0]
    assert "no choices[0].message.content" in reasons[1]
    assert "content is int" in reasons[2]
    assert reasons[3].startswith("HTTP 400")
    assert reasons[4] == f"sum: {examples[4].document[:30]}"
    assert all(state.calls[ex.document] == 1 for ex in examples)


def test_http_spec_errors() -> None:
    with pytest.raises(ConfigError, match="give the model"):
        resolve_system("http:http://127.0.0.1:9/v1")
    with pytest.raises(ConfigError, match="must contain \\{document\\}"):
        resolve_system("http:http://127.0.0.1:9/v1#model=m&prompt=no slot")
    with pytest.raises(ConfigError, match="base_url"):
        resolve_system("http:ftp://127.0.0.1/v1#model=m")


def test_unreachable_server_is_retried_then_fails() -> None:
    import socket

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (out,) = _system(f"http://127.0.0.1:{port}/v1", retries=1).predict_batch(_examples("OK"))
    assert isinstance(out, Failure)
    assert "gave up after 2 attempts" in out.reason and "connection error" in out.reason
