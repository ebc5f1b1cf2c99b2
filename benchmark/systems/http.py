"""``http:BASE_URL#model=NAME``: an OpenAI-compatible chat-completions endpoint.

Each example becomes one ``POST {base_url}/chat/completions`` with the prompt
template (``{document}`` replaced by the example's document) as the user message,
``temperature`` 0 by default, at most ``max_concurrency`` requests in flight. A 429,
a 5xx, a timeout or a dropped connection is retried up to ``retries`` times with
exponential backoff (``backoff`` x 2^attempt seconds, or the server's
``Retry-After``, capped at ``max_backoff``); other 4xx replies and malformed bodies
fail that example at once. The API key is read from the environment variable named
by ``api_key_env`` (default ``SUMBENCH_API_KEY``, then ``OPENAI_API_KEY``), never from
the spec, so it is not written into results or caches; a password in the URL
(``http://user:password@host``) is taken out of the config and sent as basic auth.
Neither is ever written or printed: every text an example hands back (a failure, an
echoed error body, even a summary) has them replaced by ``***``.

Hostile or broken servers are bounded: ``timeout`` is a total deadline per request
(connecting, headers and the whole body: a server that drips one byte a second is cut
off at the deadline), a reply longer than ``max_reply_bytes`` fails the example, and a
redirect (3xx) is never followed: it fails the example, naming where it pointed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from pydantic import Field, field_validator

from benchmark.errors import ConfigError
from benchmark.schema import Example
from benchmark.systems.registry import Failure, SystemConfig
from benchmark.systems.secrets import redact, split_password
from benchmark.systems.spec import BatchAdapter, make_config

DEFAULT_PROMPT = (
    "Summarise the following news article in two or three sentences.\n\n"
    "Article:\n{document}\n\nSummary:"
)
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class HttpConfig(SystemConfig):
    """Endpoint, model, prompt and the politeness settings."""

    base_url: str
    model: str
    prompt: str = DEFAULT_PROMPT
    system_prompt: str | None = None
    temperature: float = 0.0
    max_tokens: int = Field(default=256, ge=1)
    max_concurrency: int = Field(default=4, ge=1, le=64)
    retries: int = Field(default=4, ge=0, le=20)
    backoff: float = Field(default=1.0, ge=0)
    max_backoff: float = Field(default=30.0, ge=0)
    timeout: float = Field(default=60.0, gt=0,
                           description="seconds per request, from connecting to the last byte")
    max_reply_bytes: int = Field(default=8_000_000, ge=1024,
                                 description="a longer reply fails the example")
    api_key_env: str = "SUMBENCH_API_KEY"
    batch_size: int = Field(default=16, ge=1)

    @field_validator("prompt")
    @classmethod
    def _has_slot(cls, value: str) -> str:
        if "{document}" not in value:
            raise ValueError("prompt template must contain {document}")
        return value

    @field_validator("base_url")
    @classmethod
    def _is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/")


class _Retry(Exception):
    """A reply worth retrying, with the server's suggested wait if it gave one."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP-date: fall back to our own backoff


def parse_reply(body: Any) -> str | Failure:
    """The summary text of a chat-completions reply, or why the reply is malformed."""
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return Failure(f"malformed reply: no choices[0].message.content in {str(body)[:120]!r}")
    if not isinstance(content, str):
        return Failure(f"malformed reply: content is {type(content).__name__}, not text")
    return content.strip()


class _Watchdog:
    """Cuts a request's connection at its deadline, wherever the read is blocked.

    Why: httpx's timeouts bound each socket read, not the whole reply, so a server
    that sends a byte now and then would hold the request forever. The connection's
    socket is caught as it is made (an httpcore trace event; keep-alive is off, so
    every request makes one) and shut down by a timer.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: remember the socket of the new connection."""
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            with self._lock:
                self._sock = sock if isinstance(sock, socket.socket) else None
                if self.fired:
                    self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):  # already closed
                self._sock.shutdown(socket.SHUT_RDWR)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


class HttpSystem(BatchAdapter):
    """Asks a chat model for each summary, politely and with retries."""

    name: ClassVar[str] = "http"
    description: ClassVar[str] = "OpenAI-compatible chat completions: http:BASE_URL#model=NAME"
    Config: ClassVar[type[SystemConfig]] = HttpConfig
    batch_size: ClassVar[int] = 16

    def __init__(self, config: SystemConfig | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, HttpConfig)
        clean, self._auth = split_password(self.config.base_url)
        if self._auth is not None:  # the password goes to the client, never into the config
            self.config = self.config.model_copy(update={"base_url": clean})
        self.label = f"http:{self.config.model}@{self.config.base_url}"

    @classmethod
    def from_spec(cls, target: str, options: Mapping[str, Any], spec: str) -> HttpSystem:
        """Build from ``BASE_URL#model=NAME&...``; the model is required."""
        shown = redact(spec)
        if "model" not in options:
            raise ConfigError(f"system '{shown}': give the model, e.g. "
                              f"http:{redact(target)}#model=NAME")
        return cls(make_config(cls, {"base_url": target, **options}, shown))

    def code_identity(self) -> dict[str, Any]:
        """Nothing beyond the config: the model runs elsewhere, named by ``model``."""
        return {}

    def _key(self) -> str | None:
        assert isinstance(self.config, HttpConfig)
        return os.environ.get(self.config.api_key_env) or os.environ.get("OPENAI_API_KEY")

    def _headers(self) -> dict[str, str]:
        key = self._key()
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _secrets(self) -> list[str]:
        """Every credential this system sends, as it could come back in a reply."""
        out = [self._key() or ""]
        if self._auth is not None:
            import base64
            from urllib.parse import quote

            user, password = self._auth
            basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            out += [password, quote(password, safe=""), basic]
        return [s for s in out if s]

    def _payload(self, example: Example) -> dict[str, Any]:
        assert isinstance(self.config, HttpConfig)
        messages = []
        if self.config.system_prompt:
            messages.append({"role": "system", "content": self.config.system_prompt})
        prompt = self.config.prompt.replace("{document}", example.document)
        messages.append({"role": "user", "content": prompt})
        return {
            "model": self.config.model,
            "messages": messages,
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
        }

    def _read_body(self, resp: Any, dog: _Watchdog) -> bytes | Failure:
        """The whole body, or a failure once it passes ``max_reply_bytes``."""
        assert isinstance(self.config, HttpConfig)
        cap = self.config.max_reply_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            return Failure(f"reply too large: {int(declared)} bytes declared, over the "
                           f"limit of {cap} (#max_reply_bytes)")
        body = bytearray()
        for chunk in resp.iter_bytes():
            body += chunk
            if len(body) > cap:
                return Failure(f"reply too large: over the limit of {cap} bytes "
                               "(#max_reply_bytes)")
            if dog.fired:
                break  # the deadline passed while data still trickled in
        return bytes(body)

    def _attempt(self, client: Any, payload: dict[str, Any]) -> str | Failure:
        import httpx

        assert isinstance(self.config, HttpConfig)
        limit = self.config.timeout
        late = _Retry(f"timeout: no complete reply within {limit:g} s")
        with _Watchdog(limit) as dog:
            try:
                with client.stream("POST", "/chat/completions", json=payload,
                                   extensions={"trace": dog.trace}) as resp:
                    status = resp.status_code
                    if 300 <= status < 400:
                        where = resp.headers.get("location") or "(no Location header)"
                        return Failure(f"HTTP {status}: redirect to {where} not followed; "
                                       "give the final address as the base URL")
                    if status in RETRY_STATUS:
                        raise _Retry(f"HTTP {status}",
                                     _retry_after(resp.headers.get("retry-after")))
                    raw = self._read_body(resp, dog)
            except httpx.TimeoutException as exc:
                raise late from exc
            except httpx.TransportError as exc:
                if dog.fired:
                    raise late from exc
                raise _Retry(f"connection error ({type(exc).__name__}: {exc})") from exc
        if dog.fired:
            raise late
        if isinstance(raw, Failure):
            return raw
        text = raw.decode(resp.encoding or "utf-8", errors="replace")
        if status >= 400:
            return Failure(f"HTTP {status}: {text[:200]}")
        try:
            body = json.loads(text)
        except ValueError:
            return Failure(f"malformed reply: not JSON: {text[:120]!r}")
        except RecursionError:
            return Failure("malformed reply: JSON nested too deeply to read")
        return parse_reply(body)

    def _one(self, client: Any, example: Example) -> str | Failure:
        assert isinstance(self.config, HttpConfig)
        payload = self._payload(example)
        for attempt in range(self.config.retries + 1):
            try:
                return self._attempt(client, payload)
            except _Retry as exc:
                if attempt == self.config.retries:
                    return Failure(f"gave up after {attempt + 1} attempts; last: {exc}")
                wait = exc.wait if exc.wait is not None else self.config.backoff * 2**attempt
                time.sleep(min(wait, self.config.max_backoff))
        raise AssertionError("unreachable")  # pragma: no cover

    def _clean(self, out: str | Failure, secrets: list[str]) -> str | Failure:
        """The output with every credential masked (a server may echo them back)."""
        if isinstance(out, Failure):
            return Failure(redact(out.reason, secrets))
        return redact(out, secrets) if any(s in out for s in secrets) else out

    def predict_batch(self, examples: Sequence[Example]) -> list[str | Failure]:
        """Summaries for a batch, ``max_concurrency`` requests at a time, in input order."""
        import httpx

        assert isinstance(self.config, HttpConfig)
        secrets = self._secrets()
        with httpx.Client(
            base_url=split_password(self.config.base_url)[0], timeout=self.config.timeout,
            headers=self._headers(), auth=self._auth, follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as client, ThreadPoolExecutor(max_workers=self.config.max_concurrency) as pool:
            outs = list(pool.map(lambda ex: self._one(client, ex), examples))
        return [self._clean(out, secrets) for out in outs]
