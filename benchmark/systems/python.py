"""``py:package.module:function``: any Python callable as a system.

Input rule: the callable gets the example's ``document`` string (multi-doc sources
joined with `` ||||| ``) unless it asks for the whole :class:`~benchmark.schema.Example`,
which it does by (1) annotating its first parameter as ``Example``, (2) carrying an
attribute ``sumbench_input = "example"``, or (3) the spec option ``#input=example``.
The target may also be a :class:`~benchmark.systems.registry.System` subclass; the
spec's options other than ``input`` are then its own config fields
(``py:mysys:LongestK#k=1``). The module may be a file: ``py:./mysys.py:LongestK``.
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from benchmark.errors import ConfigError
from benchmark.schema import Example
from benchmark.systems.registry import System, SystemConfig, import_plugin
from benchmark.systems.spec import make_config


class PythonConfig(SystemConfig):
    """Where the callable lives, what it is handed, and a System class's own config."""

    target: str
    input: Literal["auto", "document", "example"] = "auto"
    #: what the code is, when its source cannot be hashed (see benchmark.systems.code)
    version: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value
    config: dict[str, Any] = Field(default_factory=dict)


def load_target(target: str) -> Any:
    """Import ``package.module:attr`` or ``path/to/file.py:attr`` (dots allowed in
    ``attr``), with a clear error."""
    module_name, sep, attr = target.rpartition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"py: target must look like package.module:function, got '{target}'")
    try:
        obj: Any = import_plugin(module_name)
    except ConfigError as exc:
        cause = exc.__cause__
        if isinstance(cause, ImportError):
            raise ConfigError(f"py: cannot import module '{module_name}': {cause}") from exc
        raise ConfigError(f"py: {exc}") from exc
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ConfigError(f"py: module '{module_name}' has no attribute '{attr}'")
        obj = getattr(obj, part)
    return obj


def wants_example(func: Callable[..., Any]) -> bool:
    """True if ``func`` asks for the whole Example (attribute or first-parameter annotation)."""
    if getattr(func, "sumbench_input", None) == "example":
        return True
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return False
    if not params:
        return False
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolved forward references: fall back to the raw text
        hints = {}
    annotation = hints.get(params[0].name, params[0].annotation)
    if annotation is Example:
        return True
    return isinstance(annotation, str) and annotation.split(".")[-1] == "Example"


class PythonSystem(System):
    """Calls a user's function once per example, in this process."""

    name: ClassVar[str] = "py"
    description: ClassVar[str] = "A Python callable: py:package.module:function"
    Config: ClassVar[type[SystemConfig]] = PythonConfig
    warm_up_probe: ClassVar[bool] = False

    def __init__(self, config: SystemConfig | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, PythonConfig)
        own = "&".join(f"{k}={json.dumps(v)}" for k, v in sorted(self.config.config.items()))
        self.label = f"py:{self.config.target}" + (f"#{own}" if own else "")
        func = load_target(self.config.target)
        if isinstance(func, type) and issubclass(func, System):
            own_config = make_config(func, self.config.config, self.label)
            self.delegate: System | None = func(own_config)
            self.func: Callable[..., Any] = self.delegate.summarize
            self.pass_example = True
        elif self.config.config:
            raise ConfigError(f"system '{self.label}': config is for a System class, and "
                              f"'{self.config.target}' is not one")
        elif callable(func):
            self.delegate = None
            self.func = func
            mode = self.config.input
            self.pass_example = mode == "example" or (mode == "auto" and wants_example(func))
        else:
            raise ConfigError(f"py: '{self.config.target}' is not callable")

    def code_identity(self) -> dict[str, Any]:
        """The source hash of the target's module (and of the module defining the
        callable, if another), with their package versions; ``#version=`` overrides."""
        from benchmark.systems.code import python_code

        assert isinstance(self.config, PythonConfig)
        owner = self.delegate if self.delegate is not None else self.func
        defining = getattr(type(owner) if self.delegate is not None else owner, "__module__", "")
        modules = [self.config.target.partition(":")[0], defining or ""]
        return python_code(modules, self.config.version)

    @classmethod
    def from_spec(cls, target: str, options: Mapping[str, Any], spec: str) -> PythonSystem:
        """Build from the part after ``py:`` and its ``#`` options: ``input`` and
        ``version`` are the adapter's; every other option is the target System class's
        config field."""
        obj = load_target(target)
        if not (isinstance(obj, type) and issubclass(obj, System)):
            return cls(make_config(cls, {"target": target, **options}, spec))
        adapter = ("target", "input", "config", "version")
        own = {k: v for k, v in options.items() if k not in adapter}
        values = {k: v for k, v in options.items() if k not in own}
        return cls(make_config(cls, {"target": target, **values, "config": own}, spec))

    def summarize(self, example: Example) -> str:
        """Hand the callable its input; the runner checks that the result is text."""
        result: Any = self.func(example if self.pass_example else example.document)
        return typing.cast(str, result)
