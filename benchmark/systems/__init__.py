"""Summarisation systems: the registry, and adapters for users' own systems.

``resolve_system(spec)`` turns a ``--system`` spec (``lead-3``, ``py:...``, ``cmd:...``,
``file:...``, ``http:...``) into a :class:`~benchmark.systems.registry.System`.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Lazy, so importing the registry never drags the adapters in with it.
    if name in ("resolve_system", "system_label"):
        from benchmark.systems import adapters

        return getattr(adapters, name)
    raise AttributeError(f"module 'benchmark.systems' has no attribute {name!r}")
