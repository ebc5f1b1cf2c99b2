"""``http:BASE_URL#model=NAME``: an OpenAI-compatible chat-completions endpoint.

Each example becomes one ``POST {base_url}/chat/completions`` with the prompt
template (``{document}`` replaced by the example's document) as the user message,
``temperature`` 0 by default, at most ``max_concurrency`` requests in flight. A 429,
a 5xx, a timeout or a dropped connection is retried up to ``retries`` times with
exponential backoff (``backoff`` x 2^attempt seconds, or the server's
``Retry-After``, capped at ``max_backoff``); other 4xx replies and malformed bodies
fail that example at once. The API key is read from the environment variable named
by ``api_key_env`` (default ``SUMBENCH_API_KEY``, then ``OPENAI_API_KEY``), never from
the spec, so it is not written into results or caches.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from pydantic import Field, field_validator

from benchmark.errors import ConfigError
from benchmark.schema import Example
from benchmark.systems.registry import Failure, SystemConfig
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
    timeout: float = Field(default=60.0, gt=0, description="seconds per request")
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


class HttpSystem(BatchAdapter):
    """Asks a chat model for each summary, politely and with retries."""

    name: ClassVar[str] = "http"
    description: ClassVar[str] = "OpenAI-compatible chat completions: http:BASE_URL#model=NAME"
    Config: ClassVar[type[SystemConfig]] = HttpConfig
    batch_size: ClassVar[int] = 16

    def __init__(self, config: SystemConfig | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, HttpConfig)
        self.label = f"http:{self.config.model}@{self.config.base_url}"

    @classmethod
    def from_spec(cls, target: str, options: Mapping[str, Any], spec: str) -> HttpSystem:
        """Build from ``BASE_URL#model=NAME&...``; the model is required."""
        if "model" not in options:
            raise ConfigError(f"system '{spec}': give the model, e.g. http:{target}#model=NAME")
        return cls(make_config(cls, {"base_url": target, **options}, spec))

    def code_identity(self) -> dict[str, Any]:
        """Nothing beyond the config: the model runs elsewhere, named by ``model``."""
        return {}

    def _headers(self) -> dict[str, str]:
        assert isinstance(self.config, HttpConfig)
        key = os.environ.get(self.config.api_key_env) or os.environ.get("OPENAI_API_KEY")
        return {"Authorization": f"Bearer {key}"} if key else {}

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

    def _attempt(self, client: Any, payload: dict[str, Any]) -> str | Failure:
        import httpx

        try:
            resp = client.post("/chat/completions", json=payload)
        except httpx.TimeoutException as exc:
            raise _Retry(f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retry(f"connection error ({type(exc).__name__}: {exc})") from exc
        if resp.status_code in RETRY_STATUS:
            raise _Retry(f"HTTP {resp.status_code}", _retry_after(resp.headers.get("retry-after")))
        if resp.status_code >= 400:
            return Failure(f"HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            body = resp.json()
        except ValueError:
            return Failure(f"malformed reply: not JSON: {resp.text[:120]!r}")
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

    def predict_batch(self, examples: Sequence[Example]) -> list[str | Failure]:
        """Summaries for a batch, ``max_concurrency`` requests at a time, in input order."""
        import httpx

        assert isinstance(self.config, HttpConfig)
        with httpx.Client(
            base_url=self.config.base_url, timeout=self.config.timeout, headers=self._headers()
        ) as client, ThreadPoolExecutor(max_workers=self.config.max_concurrency) as pool:
            return list(pool.map(lambda ex: self._one(client, ex), examples))
