"""Turn a ``--system`` spec string into a :class:`~benchmark.systems.registry.System`.

Spec grammar (the prefix decides; everything else is a registered name)::

    lead-3                          registered system, default config
    lead-k:k=3,seed=7               registered system, config fields (values JSON-parsed)
    py:my_pkg.my_mod:summarise      Python callable (see benchmark.systems.python)
    cmd:python my_sum.py            shell command, JSONL in / JSONL out (benchmark.systems.command)
    file:preds.jsonl                precomputed predictions (benchmark.systems.predfile)
    http:http://127.0.0.1:8000/v1#model=gpt-x
                                    OpenAI-compatible chat completions (benchmark.systems.http)

Adapters take options as a URL-fragment-like suffix ``#key=value&key=value``, because
``:`` and ``,`` occur in module paths, commands and file names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from benchmark.errors import ConfigError
from benchmark.systems.registry import System, get_system
from benchmark.systems.secrets import redact
from benchmark.systems.spec import make_config, parse_value, split_options

ADAPTER_PREFIXES = ("py", "cmd", "file", "http")


def _registered(spec: str, overrides: Mapping[str, Any]) -> System:
    spec, hashed = split_options(spec)  # `name#k=1&x=2`, the adapters' form, works too
    overrides = {**hashed, **overrides}
    name, _, rest = spec.partition(":")
    cls = get_system(name.strip())
    values: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = pair.partition("=")
        if not eq:
            raise ConfigError(
                f"system '{spec}': config must be key=value pairs after ':', got '{pair}'"
            )
        values[key.strip()] = parse_value(value.strip())
    values.update(overrides)
    return cls(make_config(cls, values, spec))


def resolve_system(spec: str, overrides: Mapping[str, Any] | None = None) -> System:
    """The system a ``--system`` spec names, with ``overrides`` merged into its config.

    Raises :class:`~benchmark.errors.ConfigError` for an unknown name, a malformed
    spec or an invalid config value, naming the field.
    """
    spec = spec.strip()
    if not spec:
        raise ConfigError("empty system spec")
    prefix, sep, body = spec.partition(":")
    extra = dict(overrides or {})
    if sep and prefix in ADAPTER_PREFIXES:
        body = body.strip()
        if not body:
            raise ConfigError(f"system '{spec}': nothing after '{prefix}:'")
        target, options = split_options(body)
        options.update(extra)
        if prefix == "py":
            from benchmark.systems.python import PythonSystem

            return PythonSystem.from_spec(target, options, spec)
        if prefix == "cmd":
            from benchmark.systems.command import CommandSystem

            return CommandSystem.from_spec(target, options, spec)
        if prefix == "file":
            from benchmark.systems.predfile import FileSystem

            return FileSystem.from_spec(target, options, spec)
        from benchmark.systems.http import HttpSystem

        return HttpSystem.from_spec(target, options, spec)
    return _registered(spec, extra)


def system_label(system: System) -> str:
    """How a system is named in results and file names.

    Adapters carry the spec they came from; a registered system is its name plus
    every config field that differs from the default (``lead-k:k=3``), so two
    configs of one system never share a label.
    """
    label = getattr(system, "label", None)
    if not (isinstance(label, str) and label):
        defaults = type(system).Config().model_dump(mode="json")
        current = system.config.model_dump(mode="json")
        changed = [f"{k}={json.dumps(v)}" for k, v in sorted(current.items())
                   if defaults.get(k) != v]
        label = f"{system.name}:{','.join(changed)}" if changed else system.name
    return redact(label)  # names files and results: no URL password or bearer token
