"""Stable seeds derived from (seed, key), the same in every process and on every machine.

Why not ``hash()``: Python salts string hashes per process, so anything seeded from it
(split assignment, a baseline's random order) would differ between runs.
"""

from __future__ import annotations

import hashlib


def stable_seed(seed: int, key: str) -> int:
    """A 64-bit integer from blake2b over ``seed`` and ``key``."""
    digest = hashlib.blake2b(f"{seed}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")
