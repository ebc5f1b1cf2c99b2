"""Peak memory of ``write_dataset``: the batched exporter vs the whole-split one it replaced.

Builds synthetic example sets of N and 4N examples with news-like lengths
(a ~400-word document, three ~30-word references, fragment statistics) and
exports each with both exporters, every measurement in a fresh process:

* peak RSS above the process's footprint once the examples exist (Linux
  ``/proc/self/clear_refs`` resets the high-water mark, ``VmHWM`` reads it),
  which sees Arrow's C++ buffers too;
* tracemalloc's peak (Python allocations only), in a separate run because
  tracing slows everything down.

The "before" exporter is ``benchmark/dataset/export.py`` as it was just before the
batched one landed, read with ``git show`` into a temporary module (the card
module it imports still offers ``CardStats.from_splits``). The run also checks
that both exporters wrote the same files byte for byte, hf/<split>/state.json
(its ``_fingerprint``) and the hf/ Arrow files (see docs/building.md, Memory) aside.

    python bench/export_memory.py            # N = 5000
    python bench/export_memory.py --n 2000   # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "the minister said on tuesday that talks with the delegation would resume in minsk "
    "after officials signed an agreement on defence cooperation and trade worth million "
    "dollars while the president met the visiting vice premier to discuss industry"
)
WORDS = TEXT.split()


def synthetic_examples(n: int, seed: int = 12345) -> list:
    """``n`` cross-lede-like examples: 400-word documents, three 30-word references."""
    from benchmark.schema import Example, FragmentStats

    rng = random.Random(seed)

    def text(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + "."

    out = []
    for i in range(n):
        doc = text(rng.randint(250, 550))
        refs = [text(rng.randint(20, 40)) for _ in range(3)]
        out.append(
            Example(
                id=f"syn-{i:07d}",
                strategy="cross-lede",
                cluster_id=f"c{i // 4:06d}",
                source_ids=[f"a{i:07d}"],
                reference_ids=[f"b{i:07d}-{j}" for j in range(3)],
                documents=[doc],
                document=doc,
                references=refs,
                fragments=[
                    FragmentStats(
                        coverage=rng.random(),
                        density=rng.random() * 3,
                        compression=rng.random() * 20,
                    )
                    for _ in refs
                ],
                language="en",
                published=None,
            )
        )
    return out


def old_exporter() -> ModuleType:
    """benchmark/dataset/export.py as of the commit before the batched exporter."""
    first = subprocess.run(
        [
            "git",
            "log",
            "--reverse",
            "--format=%H",
            "-S",
            "CardAccumulator",
            "--",
            "benchmark/dataset/export.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    source = subprocess.run(
        ["git", "show", f"{first}~1:benchmark/dataset/export.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="old-export-")) / "old_export.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_export", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        path.unlink()
        path.parent.rmdir()
    return module


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def child(which: str, n: int, mode: str, out: str, row_group: str | None = None) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    import gc
    import tracemalloc

    import datasets  # imported before measuring, for both exporters alike
    import pyarrow  # noqa: F401

    if row_group:
        datasets.config.MAX_ROW_GROUP_SIZE = row_group

    if which == "before":
        write_dataset = old_exporter().write_dataset
    else:
        from benchmark.dataset.export import write_dataset
    examples = synthetic_examples(n)
    names = ("train",) * 8 + ("validation", "test")  # whole clusters of four, 80/10/10
    splits: dict[str, list] = {"train": [], "validation": [], "test": []}
    for ex in examples:
        splits[names[int(ex.cluster_id[1:]) % 10]].append(ex)
    gc.collect()
    base = _status("VmRSS")
    if mode == "trace":
        tracemalloc.start()
    else:
        Path("/proc/self/clear_refs").write_text("5")
    t0 = time.perf_counter()
    write_dataset(out, name="synthetic", splits=splits, settings={"seed": 12345}, counts={})
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if mode == "trace" else _status("VmHWM") - base
    print(
        json.dumps(
            {"which": which, "n": n, "mode": mode, "peak": peak, "seconds": seconds, "base": base}
        )
    )


def _measure(which: str, n: int, mode: str, out: Path, row_group: str = "") -> dict:
    res = subprocess.run(
        [
            sys.executable,
            __file__,
            *(["--row-group", row_group] if row_group else []),
            "--child",
            which,
            "--n",
            str(n),
            "--mode",
            mode,
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--child")
    parser.add_argument("--mode", default="rss")
    parser.add_argument("--out")
    parser.add_argument(
        "--row-group",
        default="",
        help="datasets' row-group limit for the last lines (default 16MB: stands in for "
        "100MB on a corpus about six times bigger)",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.mode, args.out, args.row_group)
        return
    mib = 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="export-memory-") as tmp:
        print(
            f"{'examples':>9} {'measure':>11} {'before MiB':>11} {'after MiB':>10} "
            f"{'after/before':>12} {'before s':>9} {'after s':>8}"
        )
        for n in (args.n, 4 * args.n):
            for mode in ("rss", "trace"):
                got = {
                    w: _measure(w, n, mode, Path(tmp) / f"{w}-{n}-{mode}" / "synthetic")
                    for w in ("before", "after")
                }
                b, a = got["before"], got["after"]
                label = "peak RSS" if mode == "rss" else "tracemalloc"
                print(
                    f"{n:>9} {label:>11} {b['peak'] / mib:>11.1f} {a['peak'] / mib:>10.1f} "
                    f"{a['peak'] / b['peak']:>12.2f} {b['seconds']:>9.1f} {a['seconds']:>8.1f}",
                    flush=True,
                )
            before = _digests(Path(tmp) / f"before-{n}-rss" / "synthetic")
            after = _digests(Path(tmp) / f"after-{n}-rss" / "synthetic")
            differ = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            note = " (hf/ state and Arrow files only)" if differ else ""
            hf_only = all(
                k.startswith("hf/") and k.endswith(("state.json", ".arrow")) for k in differ
            )
            print(
                f"{n:>9} files: {len(before)} before, {len(after)} after; differing: "
                f"{differ or 'none'}{note if hf_only else ' NOT ONLY hf/'}"
            )
        row_group = args.row_group or "16MB"
        for n in (args.n, 4 * args.n):
            got = {
                w: _measure(w, n, "rss", Path(tmp) / f"{w}-{n}-rg" / "synthetic", row_group)
                for w in ("before", "after")
            }
            b, a = got["before"], got["after"]
            print(
                f"{n:>9} {'RSS rg ' + row_group:>11} {b['peak'] / mib:>11.1f} "
                f"{a['peak'] / mib:>10.1f} {a['peak'] / b['peak']:>12.2f} "
                f"{b['seconds']:>9.1f} {a['seconds']:>8.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
