"""Registry of summarisation systems: one decorated class per system.

A system turns an :class:`~benchmark.schema.Example` into a summary string. Built-in
baselines and third-party packages alike register through the ``sumbench.systems``
entry-point group (sumbench's own ``pyproject.toml`` declares
``baselines = "benchmark.baselines"``), whose entries point at a module (importing it
registers its systems) or at a System subclass: the core never names a plug-in.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from benchmark.errors import ConfigError
from benchmark.schema import Example, RunResult

ENTRY_POINT_GROUP = "sumbench.systems"


class SystemConfig(BaseModel):
    """Base of every system's typed config; subclasses add fields with defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 12345


@dataclass(frozen=True)
class Failure:
    """One example a system could not summarise, and why (shown to the user)."""

    reason: str


class System:
    """A summariser. Subclasses set ``name``, ``description`` and ``Config``.

    Override :meth:`summarize` (one example) or :meth:`summarize_batch` (many at
    once, e.g. for a subprocess or HTTP system). Outputs must be deterministic for
    a given config and example.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    Config: ClassVar[type[SystemConfig]] = SystemConfig
    #: True for systems that read the references (oracle, human ceiling): shown apart.
    uses_references: ClassVar[bool] = False
    #: False for systems that must not run in parallel threads (e.g. not thread-safe).
    parallel_safe: ClassVar[bool] = True
    #: How many examples the runner hands :meth:`predict_batch` at once (1 = each
    #: prediction is cached as soon as it exists; batch adapters use more).
    batch_size: ClassVar[int] = 1
    #: False when caching predictions is pointless (e.g. a predictions file).
    cacheable: ClassVar[bool] = True
    #: True for systems that bound their own calls (a subprocess, HTTP requests) or
    #: cannot hang (a predictions file): the runner's ``--timeout`` leaves them alone
    #: instead of moving them into a killable worker process.
    own_timeout: ClassVar[bool] = False
    #: True: a worker process (``--timeout``) first runs the system once on a short
    #: probe text, untimed, so lazy imports and model loading are not charged to the
    #: first real example. The ``py:`` adapter sets False: a user's function called
    #: on text it was not given could have side effects (its module is imported anyway).
    warm_up_probe: ClassVar[bool] = True

    def __init__(self, config: SystemConfig | None = None) -> None:
        self.config = config if config is not None else self.Config()
        self._code: dict[str, Any] | None = None

    def summarize(self, example: Example) -> str:
        raise NotImplementedError

    def summarize_batch(self, examples: Sequence[Example]) -> list[str]:
        return [self.summarize(ex) for ex in examples]

    def predict_batch(self, examples: Sequence[Example]) -> list[str | Failure]:
        """What the runner calls: like :meth:`summarize_batch`, but an adapter may
        report one example's failure (a :class:`Failure`) without failing the batch.
        The runner still checks every output (non-text, empty, wrong count)."""
        return list(self.summarize_batch(examples))

    def uses_reference_length(self) -> bool:
        """True when this system's summary length is taken from the references (e.g.
        lead-k's default budget): it knows something a real summariser does not, so
        the leaderboard marks it and lists it after the systems that choose their own
        length. Default: False."""
        return False

    def identity(self) -> dict[str, Any]:
        """Name, full config and code: the cache key and what a RunResult records.

        ``code`` (:meth:`code_identity`) is there so that editing a system's code
        misses the prediction cache instead of returning the old predictions. URL
        passwords and bearer tokens in the config are masked: this is written out.
        """
        if getattr(self, "_code", None) is None:
            self._code = self.code_identity()
        from benchmark.systems.secrets import redact_values

        return {"name": self.name, "config": redact_values(self.config.model_dump(mode="json")),
                "code": self._code}

    def code_identity(self) -> dict[str, Any]:
        """What this system's code is (see :mod:`benchmark.systems.code`): by default
        the source hash and package version of the module defining the class."""
        from benchmark.systems.code import python_code

        return python_code([type(self).__module__])

    def check_dataset(self, examples: Sequence[Example], *, fingerprint: str, dataset: str,
                      split: str) -> None:
        """Refuse, before any work, a dataset this system was not made for (raise an
        :class:`~benchmark.errors.InputError`). Why a hook: a predictions file claims a
        dataset fingerprint and ids, and ``sumbench run`` must check them as
        ``sumbench evaluate`` does. ``examples`` is the whole split. Default: no claim."""

    def for_evaluation(self, settings: Any) -> System:
        """This system as it should run under the run's scoring ``settings`` (an
        ``EvalConfig``). Why a hook: a system that selects text by the metric (the
        oracle) must select with the profile that scores it, and the runner must not
        name any one system to arrange that. Default: unchanged."""
        return self


S = TypeVar("S", bound=type[System])

#: scores a reference-based ceiling: (examples, evaluator) -> RunResult or None
Ceiling = Callable[[Sequence[Example], Callable[..., RunResult]], "RunResult | None"]

_REGISTRY: dict[str, type[System]] = {}
_CEILINGS: dict[str, Ceiling] = {}
_entry_points_loaded = False
#: module name -> the file it was imported from by :func:`import_plugin` (not importable
#: by name in another process, so a worker process loads the file again)
_PLUGIN_FILES: dict[str, str] = {}


def register_system(name: str, description: str = "") -> Callable[[S], S]:
    """Class decorator: register a :class:`System` subclass under ``name``."""

    def deco(cls: S) -> S:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ConfigError(f"system name '{name}' is registered twice")
        cls.name = name
        if description:
            cls.description = description
        _REGISTRY[name] = cls
        return cls

    return deco


def register_ceiling(name: str) -> Callable[[Ceiling], Ceiling]:
    """Function decorator: register a reference-based ceiling (e.g. ``human``, the
    leave-one-out human score) that ``run_systems(human_ceiling=True)`` looks up by
    name, so the runner reaches it through the registry like any system."""

    def deco(fn: Ceiling) -> Ceiling:
        if name in _CEILINGS and _CEILINGS[name] is not fn:
            raise ConfigError(f"ceiling name '{name}' is registered twice")
        _CEILINGS[name] = fn
        return fn

    return deco


def get_ceiling(name: str) -> Ceiling:
    """Look up a registered ceiling by name, with a helpful error."""
    _load_plugins()
    if name not in _CEILINGS:
        known = ", ".join(sorted(_CEILINGS)) or "none (is sumbench installed?)"
        raise ConfigError(f"unknown ceiling '{name}'; known: {known}")
    return _CEILINGS[name]


def _load_plugins() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    # The built-in baselines come in through the same door as third-party plug-ins
    # (pyproject.toml declares `baselines = "benchmark.baselines"`), so the registry
    # never imports downstream code directly.
    eps = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    for ep in eps:
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plug-in must not read as a traceback
            raise ConfigError(
                f"system plug-in '{ep.name}' ({ep.value}) failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if isinstance(obj, type) and issubclass(obj, System) and obj.name not in _REGISTRY:
            register_system(obj.name or ep.name)(obj)


def _module_from_file(path: Path) -> ModuleType:
    """Import a ``.py`` file as module ``<stem>`` (once: a second load returns the first)."""
    path = path.resolve()
    if not path.is_file():
        raise ConfigError(f"plug-in file not found: {path}")
    name = path.stem
    loaded = sys.modules.get(name)
    if loaded is not None:
        if Path(getattr(loaded, "__file__", "") or "").resolve() == path:
            return loaded
        raise ConfigError(f"plug-in {path}: a different module named '{name}' is already "
                          "imported; rename the file")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"plug-in {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before running it: classes must find their own module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    _PLUGIN_FILES[name] = str(path)
    return module


def plugin_file(module: str) -> str | None:
    """The file a plug-in module was loaded from by path, or None if imported by name."""
    return _PLUGIN_FILES.get(module)


def import_plugin(module_or_path: str) -> ModuleType:
    """Import a user's module by name (``mypkg.systems``) or by file (``./mysys.py``).

    Why: a system or metric in a local file should need no packaging and no entry
    point. Importing runs its ``@register_system``/``@register_metric`` decorators.
    A bare name that is not importable is also looked for in the working directory,
    as ``python -m`` would. Errors in the plug-in itself are reported, not traced.
    """
    text = module_or_path.strip()
    if not text:
        raise ConfigError("empty plug-in name")
    try:
        if text.endswith(".py") or "/" in text or "\\" in text:
            return _module_from_file(Path(text))
        try:
            return importlib.import_module(text)
        except ModuleNotFoundError as exc:
            top = text.split(".")[0]
            cwd = str(Path.cwd())
            if exc.name != top or cwd in sys.path or not (
                Path(cwd, f"{top}.py").is_file() or Path(cwd, top, "__init__.py").is_file()
            ):
                raise
            sys.path.append(cwd)  # last, so it never shadows an installed module
            return importlib.import_module(text)
    except ConfigError:
        raise
    except ImportError as exc:
        raise ConfigError(f"cannot import plug-in '{text}': {exc}") from exc
    except Exception as exc:  # the plug-in's own code failed while importing
        raise ConfigError(f"plug-in '{text}' failed to load: {type(exc).__name__}: {exc}") from exc


def load_plugins(modules_or_paths: Sequence[str]) -> list[str]:
    """Import each plug-in (see :func:`import_plugin`); return the systems they added."""
    before = set(available_systems())
    for item in modules_or_paths:
        import_plugin(item)
    return sorted(set(_REGISTRY) - before)


def available_systems() -> dict[str, type[System]]:
    """Every registered system by name (built-ins and plug-ins), sorted."""
    _load_plugins()
    return dict(sorted(_REGISTRY.items()))


def get_system(name: str) -> type[System]:
    """Look up a registered system class by name, with a helpful error."""
    systems = available_systems()
    if name not in systems:
        raise ConfigError(f"unknown system '{name}'; known: {', '.join(systems)} (a system "
                          "registered in your own file or module: add --plugin ./FILE.py)")
    return systems[name]
