"""The local process pool: input order kept, bounded reading ahead, a clear error without the
``__main__`` guard."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmark.distributed.pool import ordered_map


def test_results_come_back_in_input_order_and_reading_ahead_is_bounded() -> None:
    pulled: list[int] = []

    def numbers() -> Iterator[int]:
        for i in range(-40, 0):
            pulled.append(i)
            yield i

    got = []
    for value in ordered_map(abs, numbers(), 2, what="test", window=2):
        if not got:  # the first result arrives after at most window * workers submissions
            assert len(pulled) <= 2 * 2
        got.append(value)
    assert got == [abs(i) for i in range(-40, 0)]
    assert list(ordered_map(abs, [-3, 1], 1, what="test")) == [3, 1]


def test_an_error_of_the_function_reaches_the_caller() -> None:
    with pytest.raises(ValueError):
        list(ordered_map(int, ["1", "x", "3"], 2, what="test"))


def test_a_script_without_the_main_guard_gets_a_clear_error(tmp_path: Path) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text("from benchmark.distributed.pool import ordered_map\n"
                      "print(list(ordered_map(abs, range(-9, 0), 2, what='demo')))\n",
                      encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert run.returncode != 0
    errors = [line for line in run.stderr.splitlines()
              if line.startswith("benchmark.errors.ConfigError")]
    assert errors and "demo worker processes stopped" in errors[-1]
    assert '__name__ == "__main__"' in errors[-1]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc_trim: Linux only")
def test_freed_small_arrays_go_back_to_the_operating_system() -> None:
    import numpy as np

    from benchmark.distributed.pool import return_free_memory

    # 200 MB of 10 KB arrays; every 20th stays alive, so the freed ones are holes in the heap
    arrays = [np.ones(1280) for _ in range(20_000)]
    kept = arrays[::20]
    del arrays
    before = _rss_mb()
    return_free_memory()
    after = _rss_mb()
    assert before - after > 100, (before, after)
    assert all(float(a[0]) == 1.0 for a in kept)
