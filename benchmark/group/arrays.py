"""Array helpers the grouping stages share (numpy only, no other module of the package)."""

from __future__ import annotations

from typing import Any

import numpy as np


def distinct(values: Any) -> Any:
    """Sorted unique values of a 1-D integer array, which is sorted in place.

    numpy 2's ``np.unique`` goes through a hash table and then sorts: 5 s where this
    takes 0.5 s on 4 M pair codes, 0.15 ms against 0.03 ms on an article's shingles.
    """
    values.sort()
    keep = np.empty(values.size, dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
