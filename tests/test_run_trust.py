"""``sumbench run`` never scores stale or wrong data: predictions files get evaluate's
checks, edited code misses the cache, result files never collide or replace another
system's, one run per folder, SIGTERM and SIGKILL leave nothing running or lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_adapters import seed_examples
from test_run_exit import _alive
from test_run_exit import _run_cli as _cli

from benchmark.errors import ConfigError
from benchmark.evaluation.results import load_result, reproducible_part
from benchmark.runner.run import run_systems


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmark.dataset.export import write_dataset

    out = tmp_path_factory.mktemp("data") / "trust"
    write_dataset(out, name="trust", splits={"test": seed_examples()}, settings={}, counts={})
    return out


def _result_path(out: Path, spec: str) -> Path:
    """Where the last run in ``out`` wrote ``spec``'s result (from its summary)."""
    summary = json.loads((out / "_summary.json").read_text())
    (name,) = [row["file"] for row in summary["systems"] if row["system"] == spec]
    return out / name


def _preds(path: Path, ids: list[str], **extra: str) -> Path:
    path.write_text("".join(json.dumps({"id": i, "summary": f"summary of {i}", **extra}) + "\n"
                            for i in ids), encoding="utf-8")
    return path


# ----------------------------------------------------------------- 1. file: gets evaluate's checks


def test_file_system_refuses_another_datasets_fingerprint_like_evaluate(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [ex.id for ex in seed_examples()]
    preds = _preds(tmp_path / "p.jsonl", ids, fingerprint="deadbeefdeadbeef")
    code, err = _cli(["--dataset", str(dataset), "--system", f"file:{preds}",
                      "--out", str(tmp_path / "runs")], capsys)
    assert code == 2
    assert "predictions are for dataset fingerprint 'deadbeefdeadbeef'" in err
    assert not (tmp_path / "runs").exists()  # refused before any work


def test_file_system_refuses_ids_outside_the_split_like_evaluate(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmark.cli import main

    ids = [ex.id for ex in seed_examples()]
    preds = _preds(tmp_path / "p.jsonl", [*ids, "not-in-split"])
    code, err = _cli(["--dataset", str(dataset), "--system", f"file:{preds}",
                      "--out", str(tmp_path / "runs")], capsys)
    assert code == 2
    assert "1 prediction id(s) are not in split 'test' of dataset 'trust': 'not-in-split'" in err
    with pytest.raises(SystemExit) as ev:  # the same file, the same refusal from evaluate
        main(["evaluate", "--dataset", str(dataset), "--predictions", str(preds)])
    assert ev.value.code == 2
    assert "1 prediction id(s) are not in split 'test'" in capsys.readouterr().err
    # the right fingerprint (a prefix) and the split's ids pass
    from benchmark.dataset.folder import load_dataset_dir

    fp = load_dataset_dir(dataset).fingerprint
    good = _preds(tmp_path / "good.jsonl", ids, fingerprint=fp[:12])
    code, err = _cli(["--dataset", str(dataset), "--system", f"file:{good}",
                      "--out", str(tmp_path / "runs")], capsys)
    assert code == 0, err


# ----------------------------------------------------------------- 2. edited code misses the cache


def _write_module(root: Path, words: int) -> None:
    (root / "trust_sum.py").write_text(textwrap.dedent(f"""
        def summarise(document):
            return " ".join(document.split()[:{words}])
    """), encoding="utf-8")


def test_editing_a_py_module_recomputes_and_says_why(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "runs"
    spec = "py:trust_sum:summarise"
    r1 = {}
    for words in (40, 40, 5):
        _write_module(tmp_path, words)
        sys.modules.pop("trust_sum", None)
        code, err = _cli(["--dataset", str(dataset), "--system", spec, "--out", str(out)], capsys)
        assert code == 0, err
        r1[words] = load_result(_result_path(out, spec))
        if words == 40:
            continue
        assert "5 computed, 0 cached" in err
        assert "the code changed since the cache was written (module trust_sum)" in err
    fresh = run_systems(dataset, [spec], out=tmp_path / "fresh", human_ceiling=False)
    assert r1[5].aggregates["rouge1_f"].mean == fresh.systems[0].result.aggregates[
        "rouge1_f"].mean != r1[40].aggregates["rouge1_f"].mean
    assert len(list((out / ".cache").glob("*.jsonl"))) == 2  # the old cache is kept


def test_editing_a_cmd_script_recomputes(dataset: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "s.py"
    body = ("import json, sys\nfor line in sys.stdin:\n    r = json.loads(line)\n"
            "    print(json.dumps({{'id': r['id'], 'summary': ' '.join(r['document'].split()"
            "[:{n}])}}))\n")
    spec = f"cmd:{sys.executable} s.py"
    script.write_text(body.format(n=40))
    first = run_systems(dataset, [spec], out="runs", human_ceiling=False).systems[0]
    script.write_text(body.format(n=5))
    second = run_systems(dataset, [spec], out="runs", human_ceiling=False).systems[0]
    assert second.predictions is not None and second.predictions.cached == 0
    assert any("file s.py" in n for n in second.predictions.notes)
    assert (second.result.aggregates["rouge1_f"].mean
            != first.result.aggregates["rouge1_f"].mean)


def test_a_command_that_names_no_file_warns_unless_versioned(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "modsum.py").write_text(
        "import json, sys\nfor line in sys.stdin:\n    r = json.loads(line)\n"
        "    print(json.dumps({'id': r['id'], 'summary': r['document'][:200]}))\n")
    spec = f"cmd:{sys.executable.rsplit('/', 1)[-1]} -m modsum"
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep
                       + os.environ.get("PATH", ""))
    args = ["--dataset", str(dataset), "--out", "runs"]
    _cli([*args, "--system", spec], capsys)
    code, err = _cli([*args, "--system", spec], capsys)
    assert code == 0, err
    assert "cannot tell whether the code changed (the command names no file" in err
    assert "5 cached predictions were reused and may come from older code" in err
    summary = json.loads(Path("runs/_summary.json").read_text())
    assert "cannot tell" in summary["systems"][0]["notes"][0]
    for version, cached in (("1", 0), ("1", 5), ("2", 0)):
        code, err = _cli([*args, "--system", f"{spec}#version={version}"], capsys)
        assert code == 0 and f"{5 - cached} computed, {cached} cached" in err, err
        assert "cannot tell" not in err


# ----------------------------------------------------------------- 3. result names


def test_commands_that_slugify_alike_get_their_own_result_files(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.py").write_text(
        "import json, sys\nn = int(sys.argv[-1].split('=')[-1])\nfor line in sys.stdin:\n"
        "    r = json.loads(line)\n"
        "    print(json.dumps({'id': r['id'], 'summary': ' '.join(r['document'].split()[:n])}))\n")
    specs = [f"cmd:{sys.executable} s.py --words=30", f"cmd:{sys.executable} s.py --words 30"]
    report = run_systems(dataset, specs[:1], out="runs", human_ceiling=False)
    run_systems(dataset, specs[1:], out="runs", human_ceiling=False)
    names = sorted(p.name for p in Path("runs").glob("*.json") if p.name != "_summary.json")
    assert len(names) == 2 and report.systems[0].path.name in names
    assert {load_result(Path("runs") / n).system for n in names} == set(specs)


def test_a_result_of_another_system_is_never_overwritten(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmark.cli import main

    out = tmp_path / "runs"
    out.mkdir()
    preds = _preds(tmp_path / "mine.jsonl", [ex.id for ex in seed_examples()])
    main(["evaluate", "--dataset", str(dataset), "--predictions", str(preds),
          "--system", "my-model", "--out", str(out / "lead-3.json")])
    before = (out / "lead-3.json").read_bytes()
    code, err = _cli(["--dataset", str(dataset), "--system", "lead-3", "--out", str(out)],
                     capsys)
    assert code == 2
    assert "holds the result of 'my-model'; a run of 'lead-3' would overwrite it" in err
    assert (out / "lead-3.json").read_bytes() == before


# ----------------------------------------------------------------- 4. one run per folder


def test_a_second_run_on_a_locked_folder_fails_clearly(dataset: Path, tmp_path: Path) -> None:
    from filelock import FileLock

    out = tmp_path / "runs"
    out.mkdir()
    with FileLock(str(out / ".lock")), pytest.raises(ConfigError) as err:
        run_systems(dataset, ["lead-3"], out=out, human_ceiling=False)
    assert "another sumbench run is writing to" in str(err.value)
    assert not (out / "lead-3.json").exists()
    run_systems(dataset, ["lead-3"], out=out, human_ceiling=False)  # released: runs


def test_two_processes_on_one_folder_call_the_system_once(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "slow_trust.py").write_text(textwrap.dedent(f"""
        import os, time
        def summarise(document):
            with open({str(tmp_path / "calls")!r}, "a") as fh:
                fh.write(f"{{os.getpid()}}\\n")
            time.sleep(0.3)
            return " ".join(document.split()[:20])
    """))
    argv = ["run", "--dataset", str(dataset), "--system", "py:slow_trust:summarise",
            "--out", str(tmp_path / "runs"), "--no-progress", "--no-human-ceiling"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    code = f"from benchmark.cli import main; main({argv!r})"
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120)[1] for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], outs
    assert any("another sumbench run is writing to" in e for e in outs)
    assert len((tmp_path / "calls").read_text().split()) == 5  # each example once
    # the cache that was written loads: a third run computes nothing
    monkeypatch.syspath_prepend(str(tmp_path))
    report = run_systems(dataset, ["py:slow_trust:summarise"], out=tmp_path / "runs",
                         human_ceiling=False)
    assert report.systems[0].predictions is not None
    assert report.systems[0].predictions.cached == 5


# ----------------------------------------------------------------- 11. SIGTERM, 17. SIGKILL


def _wait_for(path: Path, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not (path.exists() and path.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), f"{path} never appeared"


@pytest.mark.parametrize("kind", ["cmd", "cmd-in-threads", "timeout-worker"])
def test_sigterm_stops_the_systems_processes_and_exits_143(
    dataset: Path, tmp_path: Path, kind: str
) -> None:
    """cmd-in-threads: two commands side by side (--jobs 2), each stuck in its batch:
    the run must not wait out their 600 s timeout, nor leave them behind."""
    (tmp_path / "hang_trust.py").write_text(textwrap.dedent(f"""
        import os, sys, time
        def hang(document, name="pid-a"):
            with open(os.path.join({str(tmp_path)!r}, name), "w") as fh:
                fh.write(str(os.getpid()))
            time.sleep(600)
        if __name__ == "__main__":
            sys.stdin.read()
            hang("", sys.argv[1])
    """))
    script = f"{sys.executable} {tmp_path / 'hang_trust.py'}"
    if kind == "cmd":
        system = ["--system", f"cmd:{script} pid-a"]
    elif kind == "cmd-in-threads":
        system = ["--system", f"cmd:{script} pid-a", "--system", f"cmd:{script} pid-b",
                  "--jobs", "2"]
    else:
        system = ["--system", "py:hang_trust:hang", "--timeout", "120"]
    pid_files = [tmp_path / "pid-a"] + ([tmp_path / "pid-b"] if kind == "cmd-in-threads" else [])
    argv = ["run", "--dataset", str(dataset), *system, "--out", str(tmp_path / "runs"),
            "--no-progress", "--no-human-ceiling"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    code = f"from benchmark.cli import main; main({argv!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE,
                            text=True)
    children: list[int] = []
    try:
        for pid_file in pid_files:
            _wait_for(pid_file)
        children = [int(p.read_text()) for p in pid_files]
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 143, err
        assert time.monotonic() - start < 15
        assert "run the same command again to resume" in err
        deadline = time.monotonic() + 5
        while any(map(_alive, children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, children))
    finally:  # a failed test leaves nothing running either
        for pid in [proc.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_sigkill_then_resume_loses_and_duplicates_nothing(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls"
    (tmp_path / "steady_trust.py").write_text(textwrap.dedent(f"""
        import time
        def summarise(document):
            with open({str(log)!r}, "a") as fh:
                fh.write(document.split()[0] + "\\n")
            time.sleep(0.4)
            return " ".join(document.split()[:25])
    """))
    spec = "py:steady_trust:summarise"
    out = tmp_path / "runs"
    argv = ["run", "--dataset", str(dataset), "--system", spec, "--out", str(out),
            "--no-progress", "--no-human-ceiling"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    proc = subprocess.Popen([sys.executable, "-c",
                             f"from benchmark.cli import main; main({argv!r})"], env=env)
    deadline = time.monotonic() + 60
    while (not log.exists() or len(log.read_text().split()) < 3) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no clean-up of any kind
    proc.wait(timeout=30)
    (cache,) = (out / ".cache").glob("*.jsonl")
    kept = [json.loads(x)["id"] for x in cache.read_text().splitlines()[1:] if x.endswith("}")]
    assert 1 <= len(kept) < 5
    subprocess.run([sys.executable, "-c", f"from benchmark.cli import main; main({argv!r})"],
                   env=env, check=True, timeout=120)
    ids = [json.loads(x)["id"] for x in cache.read_text().splitlines()[1:]]
    assert sorted(ids) == sorted(ex.id for ex in seed_examples())  # each exactly once
    resumed = load_result(_result_path(out, spec))
    assert resumed.meta["run"]["predictions_cached"] == len(kept)
    assert resumed.meta["run"]["predictions_computed"] == 5 - len(kept)
    monkeypatch.syspath_prepend(str(tmp_path))
    clean = run_systems(dataset, [spec], out=tmp_path / "clean", human_ceiling=False)
    assert reproducible_part(resumed) == reproducible_part(clean.systems[0].result)


def test_code_identity_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What counts as a system's code (docs/running.md, the identity table)."""
    from benchmark.systems import resolve_system
    from benchmark.systems.code import code_unknown

    yaml_code = resolve_system("py:yaml:safe_dump").identity()["code"]["modules"][0]
    assert yaml_code["version"].startswith("PyYAML==") and yaml_code["sha256"]
    assert code_unknown(resolve_system("py:sys:intern").identity()) == (
        "module 'sys' has no source file")
    assert code_unknown(resolve_system("py:sys:intern#version=3").identity()) is None
    lead = resolve_system("lead-3").identity()["code"]["modules"][0]
    assert lead["module"] == "benchmark.baselines.positional"
    assert lead["version"].startswith("sumbench==")
    monkeypatch.chdir(tmp_path)
    Path("s.py").write_text("print()")
    Path("m.bin").write_bytes(b"weights")
    files = resolve_system("cmd:python s.py --model=m.bin --n 3").identity()["code"]["files"]
    assert sorted(files) == ["m.bin", "s.py"]  # not `python` (found on PATH), not `3`
