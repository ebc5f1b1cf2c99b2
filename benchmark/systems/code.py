"""What a system's code is, for the prediction cache: hashes of the files it runs.

Why: a cache keyed only by a system's name and config hands back the old predictions
after the user edits the code (a CI job that keeps ``runs/`` would pass the gate on an
old model). So a system's identity also carries its code:

- a Python system (``py:``, registered systems, plug-ins): the SHA-256 of the source
  file of the module that defines it, and the version of the distribution that ships
  that module if it is installed in site-packages (a compiled part or a sibling
  module may change with the version while the hashed file does not);
- ``cmd:``: the SHA-256 of every file the command line names (``python my_sum.py
  --model m.bin`` -> ``my_sum.py`` and ``m.bin``; the program found on ``PATH`` is not
  counted: ``python`` says nothing about the script it runs);
- where neither tells (``cmd:python -m pkg``, a module without a source file), the
  user's ``#version=...``, or a record that the code is unknown, which the runner
  reports loudly whenever it reuses such a cache.

Files larger than :data:`HASH_LIMIT` are keyed by size and modification time instead
of content (hashing a multi-gigabyte model file on every run would cost more than it
saves); any change to them still misses the cache.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: files up to this size are hashed by content; larger ones by size and mtime
HASH_LIMIT = 64 * 1024 * 1024
#: the key under which an identity says its code cannot be seen
UNKNOWN = "unknown"


def file_digest(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes, or ``stat:<size>:<mtime_ns>`` past the limit."""
    st = path.stat()
    if st.st_size > HASH_LIMIT:
        return f"stat:{st.st_size}:{st.st_mtime_ns}"
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


@functools.lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def _version(module: str, path: Path) -> str | None:
    """``dist==version`` of the installed distribution that ships ``module``, if any.

    Only a module installed into site-packages is looked up (mapping modules to
    distributions reads every installed package's metadata, about half a second):
    a module in a source tree or an editable install has no version but its hash.
    sumbench's own modules are ``sumbench``.
    """
    top = module.partition(".")[0]
    try:
        if top == "benchmark":
            return f"sumbench=={importlib.metadata.version('sumbench')}"
        if not {"site-packages", "dist-packages"} & set(path.parts):
            return None
        for dist in _distributions().get(top, [])[:1]:
            return f"{dist}=={importlib.metadata.version(dist)}"
    except importlib.metadata.PackageNotFoundError:
        return None
    return None


def module_code(module: str) -> dict[str, Any]:
    """The code identity of an imported module: its source file's hash and its
    distribution's version (``{"unknown": why}`` inside if it has no file)."""
    out: dict[str, Any] = {"module": module}
    mod = sys.modules.get(module)
    path = getattr(mod, "__file__", None) if mod is not None else None
    if not path or not Path(path).is_file():
        out[UNKNOWN] = f"module '{module}' has no source file"
        return out
    version = _version(module, Path(path).resolve())
    if version:
        out["version"] = version
    out["sha256"] = file_digest(Path(path))
    return out


def python_code(modules: Sequence[str], version: str | None = None) -> dict[str, Any]:
    """The code identity of a Python system defined across ``modules`` (deduplicated)."""
    seen = list(dict.fromkeys(m for m in modules if m))
    out: dict[str, Any] = {"modules": [module_code(m) for m in seen]}
    if version is not None:
        out["version"] = version
    elif any(UNKNOWN in m for m in out["modules"]):
        out[UNKNOWN] = "; ".join(m[UNKNOWN] for m in out["modules"] if UNKNOWN in m)
    return out


def _candidates(argv: Sequence[str]) -> list[str]:
    """Tokens of a command line that may name a file: every argument, the value of
    ``--opt=value``, and the program itself only when given as a path (``./run.sh``)."""
    out: list[str] = []
    for i, token in enumerate(argv):
        if i == 0 and "/" not in token:
            continue  # found on PATH: the interpreter, not the user's code
        out.append(token)
        if token.startswith("-") and "=" in token:
            out.append(token.partition("=")[2])
    return out


def command_code(command: str, version: str | None = None) -> dict[str, Any]:
    """The code identity of a ``cmd:`` system: a hash of each file its command names."""
    try:
        argv = shlex.split(command)
    except ValueError:
        argv = command.split()
    files: dict[str, str] = {}
    for token in _candidates(argv):
        path = Path(token).expanduser()
        if token and token not in files and path.is_file():
            files[token] = file_digest(path)
    out: dict[str, Any] = {"files": files}
    if version is not None:
        out["version"] = version
    elif not files:
        out[UNKNOWN] = "the command names no file whose content sumbench could hash"
    return out


def code_unknown(identity: dict[str, Any]) -> str | None:
    """Why the code behind an identity cannot be seen, or None if it can."""
    code = identity.get("code")
    if not isinstance(code, dict):
        return None
    why = code.get(UNKNOWN)
    return str(why) if why else None
