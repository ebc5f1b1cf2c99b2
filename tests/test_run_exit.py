"""`sumbench run` for CI: exit codes, --max-failures, and --timeout that really kills a
hung Python system (worker process), on examples made from the seed articles."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from pathlib import Path
from typing import ClassVar

import pytest
from test_adapters import seed_examples

from benchmark.errors import ConfigError
from benchmark.evaluation.results import reproducible_part
from benchmark.runner.limits import FailureLimit
from benchmark.runner.outdir import result_stem
from benchmark.runner.run import predict, run_systems
from benchmark.schema import Example
from benchmark.systems import resolve_system
from benchmark.systems.registry import System
from benchmark.systems.worker import recipe_for

MODULE = "exit_targets"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles as a one-split dataset (as in test_run.py)."""
    from benchmark.dataset.export import write_dataset

    out = tmp_path_factory.mktemp("data") / "seedexit"
    write_dataset(out, name="seedexit", splits={"test": seed_examples()}, settings={}, counts={})
    return out


@pytest.fixture()
def targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user module in tmp_path; ``hang`` writes its pid to <tmp>/pid, then never returns."""
    (tmp_path / f"{MODULE}.py").write_text(textwrap.dedent(f'''
        import os, subprocess, sys, time
        from benchmark.schema import Example
        from benchmark.systems.registry import System

        def ok(document):
            print("chatty system: this must not corrupt the worker protocol")
            return " ".join(document.split()[:20])

        def hang(ex: Example):
            if ex.id == "seed-1":
                child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
                with open({str(tmp_path / "pid")!r}, "w") as fh:
                    fh.write(f"{{os.getpid()}} {{child.pid}}")
                while True:
                    time.sleep(1)
            return " ".join(ex.document.split()[:20])

        def pid_a(document):
            with open({str(tmp_path / "pids")!r}, "a") as fh:
                fh.write(f"{{os.getpid()}}\\n")
            return " ".join(document.split()[:20])

        pid_b = pid_a

        def interrupts(ex: Example):
            if ex.id == "seed-2":
                while not os.path.exists({str(tmp_path / "pid")!r}):
                    time.sleep(0.05)  # until the other system is stuck
                raise KeyboardInterrupt
            return " ".join(ex.document.split()[:20])

        def boom(document):
            raise ValueError("model exploded")

        class SlowStart(System):
            """Its first call in a process takes 1.5 s, like a lazy import of a big library."""
            name = "slow-start"
            loaded = False

            def summarize(self, example):
                if example.id == "sumbench-warm-up" and os.environ.get("HANG_ON_PROBE"):
                    time.sleep(600)
                if not SlowStart.loaded:
                    time.sleep(1.5)
                    SlowStart.loaded = True
                return " ".join(example.document.split()[:20])

        class SlowStartNoProbe(SlowStart):
            warm_up_probe = False

        def dies(ex: Example):
            if ex.id == "seed-0":
                os._exit(3)
            return " ".join(ex.document.split()[:20])
    '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop(MODULE, None)
    return tmp_path


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from benchmark.cli import main

    try:
        main(["run", "--no-progress", "--no-human-ceiling", *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()  # results go to stdout, verdicts to stderr: both count here
    return code, captured.out + captured.err


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gone(*pids: int, within: float = 5.0) -> bool:
    """True once none of ``pids`` exists (an orphan's zombie waits for init to reap it)."""
    deadline = time.monotonic() + within
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(map(_alive, pids))


def test_a_hung_python_system_is_killed_and_the_run_exits_1(
    dataset: Path, tmp_path: Path, targets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs"
    start = time.perf_counter()
    code, err = _run_cli(["--dataset", str(dataset), "--system", f"py:{MODULE}:hang",
                          "--system", "lead-3", "--timeout", "1", "--out", str(out)], capsys)
    assert time.perf_counter() - start < 30
    assert code == 1
    summary = json.loads((out / "_summary.json").read_text())
    hang, lead = summary["systems"]
    assert hang["failures"] == {"seed-1": "timed out after 1 s (worker process killed)"}
    assert (hang["failed"], hang["over_limit"]) == (1, True)
    assert (lead["failed"], lead["over_limit"]) == (0, False)
    assert summary["exit_code"] == 1 and summary["max_failures"] == "0"
    result = json.loads((out / f"{result_stem(f'py:{MODULE}:hang')}.json").read_text())
    scored = {e["id"]: e["scores"]["rouge1_f"] for e in result["examples"]}
    assert scored["seed-1"] == 0.0 and all(v > 0 for k, v in scored.items() if k != "seed-1")
    assert f"py:{MODULE}:hang: 1 of 5 examples failed (allowed 0)" in err
    assert "first: seed-1: timed out after 1 s (worker process killed)" in err
    # the worker and the process it started are gone, not left running in the background
    assert _gone(*map(int, (targets / "pid").read_text().split()))


def test_ctrl_c_kills_the_worker_and_exits_130(
    dataset: Path, tmp_path: Path, targets: Path
) -> None:
    import signal
    import subprocess

    argv = ["run", "--dataset", str(dataset), "--system", f"py:{MODULE}:hang", "--timeout",
            "60", "--out", str(tmp_path / "runs"), "--no-progress", "--no-human-ceiling"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(targets), *sys.path])}
    code = f"from benchmark.cli import main; main({argv!r})"
    # the child must not inherit an ignored SIGINT (a shell's background job ignores it, and
    # Python then never raises KeyboardInterrupt): Ctrl-C is what this test is about
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE,
                            text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # generous bounds: on a loaded 2-core machine starting the worker alone can take 30 s
    deadline = time.monotonic() + 120
    while not (targets / "pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (targets / "pid").exists(), "the worker never started"
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    assert _gone(*map(int, (targets / "pid").read_text().split()))


def test_an_interrupt_in_one_thread_stops_a_worker_stuck_in_another(
    dataset: Path, tmp_path: Path, targets: Path
) -> None:
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run_systems(dataset, [f"py:{MODULE}:hang", f"py:{MODULE}:interrupts"],
                    out=tmp_path / "runs", jobs=2, timeout=60, human_ceiling=False)
    assert time.perf_counter() - start < 20  # not the 60 s the stuck batch may take
    assert _gone(*map(int, (targets / "pid").read_text().split()))


def test_max_failures_tolerates_a_count_or_a_share(
    dataset: Path, tmp_path: Path, targets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs"
    base = ["--dataset", str(dataset), "--system", f"py:{MODULE}:hang", "--timeout", "1",
            "--out", str(out)]
    code, err = _run_cli([*base, "--max-failures", "1"], capsys)
    assert code == 0
    assert "ok: 1 failed example(s), within --max-failures 1" in err
    # the timed-out example is retried on the next run (the others come from the cache)
    code, err = _run_cli([*base, "--max-failures", "20%"], capsys)
    assert code == 0 and "4 cached" in err
    code, err = _run_cli([*base, "--max-failures", "0.1"], capsys)
    assert code == 1 and "failed on more examples than --max-failures 10% allows" in err
    code, err = _run_cli([*base, "--max-failures", "lots"], capsys)
    assert code == 2 and "--max-failures must be a count (3)" in err


def test_a_system_that_fails_everywhere_exits_1_with_its_first_error(
    dataset: Path, tmp_path: Path, targets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run_cli(["--dataset", str(dataset), "--system", f"py:{MODULE}:boom",
                          "--system", "lead-3", "--out", str(tmp_path / "runs")], capsys)
    assert code == 1
    assert "FAILED: 1 of 2 system(s) failed on more examples than --max-failures 0" in err
    assert f"py:{MODULE}:boom: 5 of 5 examples failed (allowed 0)" in err
    assert "first: seed-0: crash: ValueError: model exploded" in err
    assert "lead-3:" in err and "lead-3: 0 of" not in err  # only failing systems listed
    code, err = _run_cli(["--dataset", str(dataset), "--system", f"py:{MODULE}:boom",
                          "--fail-fast", "--out", str(tmp_path / "ff")], capsys)
    assert code == 1 and "seed-0" in err and "stopped by --fail-fast" in err


def test_all_good_exits_0_and_usage_errors_exit_2(
    dataset: Path, tmp_path: Path, targets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs"
    code, err = _run_cli(["--dataset", str(dataset), "--system", f"py:{MODULE}:ok",
                          "--system", "lead-3", "--timeout", "5", "--out", str(out)], capsys)
    assert code == 0 and "FAILED" not in err and "0 failed" in err
    assert json.loads((out / "_summary.json").read_text())["exit_code"] == 0
    code, err = _run_cli(["--dataset", str(dataset), "--system", "lead-4",
                          "--out", str(out)], capsys)
    assert code == 2 and "unknown system 'lead-4'" in err
    code, err = _run_cli(["--dataset", str(dataset), "--system", "lead-3", "--timeout", "0",
                          "--out", str(out)], capsys)
    assert code == 2 and "--timeout must be a positive number" in err


def test_a_worker_that_dies_fails_its_batch_and_is_restarted(
    dataset: Path, tmp_path: Path, targets: Path
) -> None:
    report = run_systems(dataset, [f"py:{MODULE}:dies"], out=tmp_path, timeout=5,
                         human_ceiling=False)
    (verdict,) = report.verdicts()
    assert verdict.first_failure == ("seed-0", "worker process exited with status 3")
    assert (verdict.failed, verdict.examples, report.exit_code) == (1, 5, 1)


def test_worker_predictions_equal_in_process_predictions(
    dataset: Path, tmp_path: Path, targets: Path
) -> None:
    specs = ["lead-3", "textrank", "random-3", "oracle", f"py:{MODULE}:ok"]
    here = run_systems(dataset, specs, out=tmp_path / "here", human_ceiling=False)
    worker = run_systems(dataset, specs, out=tmp_path / "worker", timeout=30,
                         human_ceiling=False)
    for a, b in zip(here.systems, worker.systems, strict=True):
        assert a.predictions is not None and b.predictions is not None
        assert a.predictions.predictions == b.predictions.predictions
        assert reproducible_part(a.result) == reproducible_part(b.result)
    assert here.exit_code == worker.exit_code == 0


def test_the_worker_warm_up_keeps_slow_starts_off_the_first_example(
    targets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from benchmark.runner.run import SystemRunError
    from benchmark.systems import worker

    module = importlib.import_module(MODULE)
    examples = seed_examples()[:2]
    warmed = predict(module.SlowStart(), examples, fingerprint="fp", cache_dir=None, timeout=1)
    assert warmed.failures == {}
    cold = predict(module.SlowStartNoProbe(), examples, fingerprint="fp", cache_dir=None,
                   timeout=1)
    # without the warm-up every fresh worker (one per kill) charges its start to an example
    assert cold.failures == {ex.id: "timed out after 1 s (worker process killed)"
                             for ex in examples}
    # a system that hangs while warming up stops the run as a system failure (exit 1)
    monkeypatch.setenv("HANG_ON_PROBE", "1")
    monkeypatch.setattr(worker, "STARTUP_TIMEOUT", 1.0)
    with pytest.raises(SystemRunError, match=r"did not become ready .* within 1 s"):
        predict(module.SlowStart(), examples, fingerprint="fp", cache_dir=None, timeout=0.5)


def test_one_worker_process_serves_system_after_system_and_ends_with_the_run(
    dataset: Path, tmp_path: Path, targets: Path
) -> None:
    report = run_systems(dataset, [f"py:{MODULE}:pid_a", f"py:{MODULE}:pid_b"],
                         out=tmp_path / "runs", timeout=5, human_ceiling=False)
    assert report.exit_code == 0
    pids = {int(x) for x in (targets / "pids").read_text().split()}
    assert len(pids) == 1 and os.getpid() not in pids
    assert _gone(pids.pop())


class Sleeper(System):
    """Not rebuildable from class + config (its constructor takes no config)."""

    name: ClassVar[str] = "sleeper"

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def summarize(self, example: Example) -> str:
        time.sleep(self.seconds)
        return example.document[:100]


def test_systems_that_cannot_be_rebuilt_fall_back_to_an_abandoned_thread() -> None:
    assert recipe_for(Sleeper(0)) is None
    assert recipe_for(resolve_system("lead-k:k=2")) is not None
    run = predict(Sleeper(2), seed_examples()[:1], fingerprint="fp", cache_dir=None,
                  timeout=0.2)
    assert run.failures["seed-0"].startswith("timed out after 0.2 s (call abandoned in a thread")


def test_failure_limit_parsing() -> None:
    assert FailureLimit.parse("3").allowed(100) == 3
    assert FailureLimit.parse(0).allowed(100) == 0
    assert FailureLimit.parse("5%").allowed(100) == 5
    assert FailureLimit.parse("0.05").allowed(99) == 4  # at most 5 %: 4 of 99
    assert FailureLimit.parse(1.0).allowed(7) == 7
    assert str(FailureLimit.parse("0.25")) == "25%"
    for bad in ("-1", "1.5", "150%", "x", True):
        with pytest.raises(ConfigError, match="--max-failures"):
            FailureLimit.parse(bad)
