"""What `sumbench run --timeout` costs: a worker process per system vs calling in-process.

Usage: python bench/run_timeout_overhead.py [--dataset data/seeds] [--rounds 25]
       [--system lead-3 --system textrank ...]

With ``--timeout`` an in-process system (``py:``, built-in baselines) runs in a child
process that can be killed (:mod:`benchmark.systems.worker`). This prints, per system,
on the seed examples in the same run: the one-off start of the worker (interpreter,
imports, rebuilding the system), and the median wall time of one batch (one example,
the runner's batch size for these systems) in this process vs through the worker,
with the difference (pickling the example over a pipe and the reply back) and ratio.
Then whole ``sumbench run`` invocations on those systems, each from a cold
interpreter, in-process vs with ``--timeout`` (one worker process serves the systems
one after another), and whether every score and failure is the same.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmark.dataset.folder import load_dataset_dir
from benchmark.schema import Example
from benchmark.systems import resolve_system
from benchmark.systems.worker import Worker, check_outputs, recipe_for


def median_seconds(fn: Callable[[Sequence[Example]], object], examples: Sequence[Example],
                   rounds: int) -> float:
    """Median wall time of one single-example batch, over ``rounds`` passes of all examples."""
    times = []
    for _ in range(rounds):
        for ex in examples:
            t0 = time.perf_counter()
            fn([ex])
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="data/seeds")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--system", action="append", dest="systems")
    args = parser.parse_args()
    specs = args.systems or ["lead-3", "textrank", "lexrank", "random-3", "oracle"]
    loaded = load_dataset_dir(args.dataset)
    examples = [ex for name in sorted(loaded.splits) for ex in loaded.splits[name]]
    print(f"{len(examples)} examples x {args.rounds} rounds, batches of 1\n")
    print(f"{'system':<12} {'worker start':>13} {'in-process':>12} {'worker':>10} "
          f"{'overhead':>10} {'ratio':>7}")
    for spec in specs:
        system = resolve_system(spec)
        recipe = recipe_for(system)
        assert recipe is not None, spec

        def here(batch: Sequence[Example], system: object = system) -> object:
            return check_outputs(system.predict_batch(batch), batch)  # type: ignore[attr-defined]

        here(examples[:1])  # warm caches (lazy imports) the worker also pays once at start
        t_here = median_seconds(here, examples, args.rounds)
        with Worker(system, recipe, timeout=600.0, label=spec) as worker:
            t0 = time.perf_counter()
            worker.start()
            t_start = time.perf_counter() - t0
            worker.predict(examples[:1])
            t_worker = median_seconds(worker.predict, examples, args.rounds)
            same = all(worker.predict([ex]) == here([ex]) for ex in examples)
        print(f"{spec:<12} {t_start * 1000:>10.0f} ms {t_here * 1000:>9.2f} ms "
              f"{t_worker * 1000:>7.2f} ms {(t_worker - t_here) * 1000:>7.2f} ms "
              f"{t_worker / t_here:>6.2f}x{'' if same else '  OUTPUTS DIFFER'}")

    import json
    import subprocess
    import sys
    import tempfile

    # Whole runs from a cold interpreter each, as `sumbench run` would be started.
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode, extra in (("in-process", []), ("worker", ["--timeout", "600"])):
            argv = ["run", "--dataset", args.dataset, "--split", "all", "--out",
                    f"{tmp}/{mode}", "--no-cache", "--no-progress", "--no-human-ceiling",
                    *[x for spec in specs for x in ("--system", spec)], *extra]
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c",
                            f"from benchmark.cli import main; main({argv!r})"],
                           check=True, capture_output=True)
            walls[mode] = time.perf_counter() - t0
        same = all(
            _reproducible(f"{tmp}/in-process/{path.name}") == _reproducible(str(path))
            for path in sorted(Path(f"{tmp}/worker").glob("*.json"))
            if path.name != "_summary.json")
        summaries = [json.loads(Path(f"{tmp}/{m}/_summary.json").read_text())
                     for m in ("in-process", "worker")]
        same = same and summaries[0]["systems"] == summaries[1]["systems"]
    print(f"\nsumbench run, {len(specs)} systems, cold start each: in-process "
          f"{walls['in-process']:.2f} s, with --timeout {walls['worker']:.2f} s "
          f"({walls['worker'] / walls['in-process']:.2f}x); identical results: {same}")


def _reproducible(path: str) -> str:
    from benchmark.evaluation.results import load_result, reproducible_part

    return reproducible_part(load_result(path))

if __name__ == "__main__":
    main()
