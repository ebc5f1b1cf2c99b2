"""The runner: cache and resume after an interruption, per-example failures, fail-fast,
parallel systems, result files; on examples made from the seed articles."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from test_adapters import seed_examples

from benchmark.errors import InputError
from benchmark.evaluation.results import load_result, reproducible_part
from benchmark.runner.cache import CachedPrediction, PredictionCache
from benchmark.runner.outdir import result_stem
from benchmark.runner.run import SystemRunError, predict, run_systems
from benchmark.schema import Example
from benchmark.systems.registry import System


class Interrupt(BaseException):
    """Stands in for Ctrl-C (a BaseException, like KeyboardInterrupt)."""


class Counting(System):
    """Summary = first 10 words; remembers which examples it was asked for."""

    name: ClassVar[str] = "counting"

    def __init__(self, stop_after: int | None = None) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.stop_after = stop_after

    def summarize(self, example: Example) -> str:
        if self.stop_after is not None and len(self.seen) == self.stop_after:
            raise Interrupt
        self.seen.append(example.id)
        return " ".join(example.document.split()[:10])


class ShortBatch(System):
    """A batch system that drops the last output of every batch."""

    name: ClassVar[str] = "short-batch"
    batch_size: ClassVar[int] = 3

    def summarize_batch(self, examples: Sequence[Example]) -> list[str]:
        return [ex.id for ex in examples][:-1]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmark.dataset.export import write_dataset

    out = tmp_path_factory.mktemp("data") / "seedtest"
    write_dataset(out, name="seedtest", splits={"test": seed_examples()}, settings={}, counts={})
    return out


@pytest.fixture()
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """py: targets whose behaviour depends on the example id, and a call log."""
    log = tmp_path / "calls.log"
    (tmp_path / "runner_targets.py").write_text(textwrap.dedent(f'''
        import os, time

        def flaky(document):
            with open({str(log)!r}, "a") as fh:
                fh.write(document[:20].replace("\\n", " ") + "\\n")
            limit = os.environ.get("STOP_AFTER")
            if limit is not None and sum(1 for _ in open({str(log)!r})) > int(limit):
                raise KeyboardInterrupt
            return " ".join(document.split()[:12])

        def misbehaving(ex: "Example"):
            kind = ex.id
            if kind == "seed-0":
                return "   "
            if kind == "seed-1":
                return {{"summary": "not a string"}}
            if kind == "seed-2":
                raise ValueError("model exploded")
            if kind == "seed-3":
                time.sleep(3)
            return ex.document.split(".")[0]
    '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("runner_targets", None)
    return "runner_targets"


def test_resume_after_interrupt_recomputes_only_the_rest(tmp_path: Path) -> None:
    examples = seed_examples()
    cache = tmp_path / "cache"
    first = Counting(stop_after=2)
    with pytest.raises(Interrupt):
        predict(first, examples, fingerprint="fp", cache_dir=cache)
    assert first.seen == ["seed-0", "seed-1"]
    second = Counting()
    run = predict(second, examples, fingerprint="fp", cache_dir=cache)
    assert second.seen == ["seed-2", "seed-3", "seed-4"]
    assert (run.cached, run.computed) == (2, 3)
    assert run.predictions == {ex.id: " ".join(ex.document.split()[:10]) for ex in examples}
    # a third run computes nothing; another dataset fingerprint computes everything
    third = Counting()
    assert predict(third, examples, fingerprint="fp", cache_dir=cache).cached == 5
    assert third.seen == []
    other = Counting()
    predict(other, examples, fingerprint="other", cache_dir=cache)
    assert len(other.seen) == 5


def test_run_systems_resumes_after_keyboard_interrupt(
    dataset: Path, tmp_path: Path, user_module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "runs"
    monkeypatch.setenv("STOP_AFTER", "3")
    with pytest.raises(KeyboardInterrupt):
        run_systems(dataset, [f"py:{user_module}:flaky"], out=out, human_ceiling=False)
    log = tmp_path / "calls.log"
    assert len(log.read_text().splitlines()) == 4  # 3 finished, the 4th was interrupted
    monkeypatch.delenv("STOP_AFTER")
    report = run_systems(dataset, [f"py:{user_module}:flaky"], out=out, human_ceiling=False)
    assert len(log.read_text().splitlines()) == 4 + 2  # only the 2 unfinished examples
    (run,) = report.systems
    assert run.predictions is not None
    assert (run.predictions.cached, run.predictions.computed) == (3, 2)
    result = load_result(out / f"{result_stem(f'py:{user_module}:flaky')}.json")
    assert result.failures == {} and result.aggregates["rouge1_f"].n == 5
    assert result.meta["run"]["predictions_cached"] == 3


def test_failures_are_recorded_per_example_and_the_run_goes_on(
    dataset: Path, tmp_path: Path, user_module: str
) -> None:
    out = tmp_path / "runs"
    spec = f"py:{user_module}:misbehaving"
    start = time.perf_counter()
    report = run_systems(dataset, [spec, "lead-3"], out=out, timeout=0.5, human_ceiling=False)
    assert time.perf_counter() - start < 30
    result = report.systems[0].result
    assert sorted(result.failures) == ["seed-0", "seed-1", "seed-2", "seed-3"]
    assert result.failures["seed-0"] == "empty summary"
    assert result.failures["seed-1"] == "non-text output (dict)"
    assert result.failures["seed-2"] == "crash: ValueError: model exploded"
    assert result.failures["seed-3"] == "timed out after 0.5 s (worker process killed)"
    failed_scores = [e.scores["rouge1_f"] for e in result.examples if e.id in result.failures]
    assert failed_scores == [0.0] * 4
    assert report.systems[1].result.failures == {}
    summary = json.loads((out / "_summary.json").read_text())
    assert [(s["system"], s["failed"]) for s in summary["systems"]] == [(spec, 4), ("lead-3", 0)]


def test_fail_fast_stops_at_the_first_failure_and_keeps_it(
    dataset: Path, tmp_path: Path, user_module: str
) -> None:
    out = tmp_path / "runs"
    with pytest.raises(SystemRunError, match=r"seed-0.*empty summary.*--fail-fast"):
        run_systems(dataset, [f"py:{user_module}:misbehaving"], out=out, fail_fast=True)
    (cache_file,) = (out / ".cache").glob("*.jsonl")
    records = [json.loads(x) for x in cache_file.read_text().splitlines()[1:]]
    assert records == [{"id": "seed-0", "summary": None, "failure": "empty summary",
                        "seconds": records[0]["seconds"]}]


def test_wrong_number_of_outputs_fails_the_batch() -> None:
    run = predict(ShortBatch(), seed_examples(), fingerprint="fp", cache_dir=None)
    assert set(run.failures) == {ex.id for ex in seed_examples()}
    assert run.failures["seed-0"] == "wrong number of outputs: got 2 for 3 examples"


def test_cache_survives_a_torn_last_line_and_refuses_a_foreign_header(tmp_path: Path) -> None:
    cache = PredictionCache(tmp_path, "sys", {"name": "x", "config": {}}, "fp")
    cache.append(CachedPrediction("a", "summary a", None, 0.1))
    with open(cache.path, "a", encoding="utf-8") as fh:
        fh.write('{"id": "b", "summ')  # killed mid-write
    assert list(cache.load()) == ["a"]
    cache.append(CachedPrediction("b", "summary b", None, 0.1))
    assert {k: v.summary for k, v in cache.load().items()} == {"a": "summary a",
                                                               "b": "summary b"}
    lines = cache.path.read_text().splitlines()
    cache.path.write_text("\n".join([lines[0], "{broken", *lines[1:]]) + "\n")
    with pytest.raises(InputError, match=r"sys-.*\.jsonl:2.*corrupt"):
        cache.load()
    other = PredictionCache(tmp_path, "sys", {"name": "y", "config": {}}, "fp")
    assert other.path != cache.path
    other.path.write_text(cache.path.read_text())
    with pytest.raises(InputError, match="header does not match"):
        other.load()


def test_parallel_jobs_give_the_same_results(dataset: Path, tmp_path: Path) -> None:
    script = tmp_path / "lead_words.py"
    script.write_text(textwrap.dedent('''
        import json, sys
        for line in sys.stdin:
            row = json.loads(line)
            print(json.dumps({"id": row["id"], "summary": " ".join(row["document"].split()[:25])}))
    '''))
    specs = ["lead-3", "first-sentence", f"cmd:{sys.executable} {script}"]
    one = run_systems(dataset, specs, out=tmp_path / "one", jobs=1, human_ceiling=False)
    two = run_systems(dataset, specs, out=tmp_path / "two", jobs=3, human_ceiling=False)
    assert [reproducible_part(r.result) for r in one.systems] == [
        reproducible_part(r.result) for r in two.systems]
    assert sorted(p.name for p in (tmp_path / "two").glob("*.json")) == sorted(
        [f"{result_stem(s)}.json" for s in specs] + ["_summary.json"])


def test_bad_run_arguments_are_config_errors(dataset: Path, tmp_path: Path) -> None:
    from benchmark.errors import ConfigError

    with pytest.raises(ConfigError, match=r"no split 'validation'.*test \(5\)"):
        run_systems(dataset, ["lead-3"], out=tmp_path, split="validation")
    with pytest.raises(ConfigError, match="more than once"):
        run_systems(dataset, ["lead-3", "lead-3"], out=tmp_path)
    with pytest.raises(ConfigError, match="unknown system"):
        run_systems(dataset, ["lead-4"], out=tmp_path)


def test_cli_run_writes_results_and_prints_failures(
    dataset: Path, tmp_path: Path, user_module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmark.cli import main

    out = tmp_path / "runs"
    with pytest.raises(SystemExit) as exited:
        main(["run", "--dataset", str(dataset), "--system", "lead-3", "--system",
              f"py:{user_module}:misbehaving", "--timeout", "0.5", "--limit", "3", "--out",
              str(out), "--no-progress"])
    assert exited.value.code == 1  # a system failed: CI must see it
    out_text, err = capsys.readouterr()
    # results on stdout, the verdict and hints on stderr (so `> results.txt` keeps them apart)
    assert "seedtest [test]: 3 examples" in out_text and "signature: rouge:" in out_text
    assert "lead-3: R1" in out_text and "0 failed" in out_text
    assert "3 failed" in out_text and "crash: ValueError: model exploded" in out_text
    assert "FAILED: 1 of 2 system(s)" in err and "next: sumbench leaderboard" in err
    assert "seedtest [test]" not in err
    runs: dict[str, Any] = {p.name: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert {"lead-3.json", "human-leave-one-out.json", "_summary.json"} <= set(runs)
    assert runs["human-leave-one-out.json"]["meta"]["run"]["uses_references"] is True
