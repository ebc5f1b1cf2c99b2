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


def _children(pid: int) -> set[int]:
    """Every process under ``pid`` (its children, theirs, ...), from /proc."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = {int(x) for x in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += sorted(kids - found)
            found |= kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_mid_build_stops_the_worker_processes_and_writes_nothing(
        tmp_path: Path) -> None:
    """``kill`` on a build whose encoder pool is running: exit 143, every worker process
    gone, no --out folder (the default action of SIGTERM left the workers to PID 1)."""
    import os
    import signal
    import time

    from benchmark.ingest.synthetic import write_synthetic_corpus

    corpus = tmp_path / "crawl.jsonl"
    write_synthetic_corpus(corpus, 2000, seed=1)
    out = tmp_path / "out"
    argv = ["build", str(corpus), "--out", str(out), "--profile", "fast", "--no-progress"]
    code = f"from benchmark.cli import main; main({argv!r})"
    env = {**os.environ, "SUMBENCH_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True,
                            env=env)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = _children(proc.pid)  # the pool's processes (and its resource tracker)
            time.sleep(0.05)
        assert len(workers) >= 2, "the build never started its worker processes"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 143, err
        assert "Terminated" in err and "Traceback" not in err
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers))
        assert not out.exists()
    finally:  # a failed test leaves nothing running either
        for pid in [proc.pid, *workers]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)
