"""What every adapter shares: option-suffix parsing, typed configs, a batch base class."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ValidationError

from benchmark.errors import ConfigError
from benchmark.schema import Example
from benchmark.systems.registry import Failure, System, SystemConfig

_OPTIONS = re.compile(r"^[A-Za-z_]\w*=[^&]*(?:&[A-Za-z_]\w*=[^&]*)*$")


def parse_value(text: str) -> Any:
    """A config value from a spec: JSON when it parses (3, 0.5, true, null), else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def split_options(body: str) -> tuple[str, dict[str, Any]]:
    """Split ``target#k=v&k=v`` into the target and its options.

    The suffix counts as options only if it is well-formed, so a ``#`` inside a
    command that is not followed by ``key=value`` pairs stays part of the command.
    """
    target, sep, tail = body.rpartition("#")
    if not sep or not _OPTIONS.match(tail):
        return body, {}
    options: dict[str, Any] = {}
    for pair in tail.split("&"):
        key, _, value = pair.partition("=")
        options[key] = parse_value(value)
    return target, options


def make_config(cls: type[System], values: Mapping[str, Any], spec: str) -> SystemConfig:
    """Validate ``values`` against the system's typed config, naming the bad field."""
    try:
        return cls.Config.model_validate(dict(values))
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors()
        )
        known = ", ".join(cls.Config.model_fields)
        raise ConfigError(f"system '{spec}': {problems} (config fields: {known})") from exc


class BatchAdapter(System):
    """An adapter whose real work is :meth:`predict_batch` (a process, a server)."""

    own_timeout: ClassVar[bool] = True  # each adapter has its own ``#timeout``

    def summarize(self, example: Example) -> str:
        """One example through :meth:`predict_batch`; a failure becomes RuntimeError."""
        result = self.predict_batch([example])[0]
        if isinstance(result, Failure):
            raise RuntimeError(result.reason)
        return result
