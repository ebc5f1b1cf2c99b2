"""Own systems without packaging: ``--plugin FILE_OR_MODULE`` and ``py:mod:Class#key=value``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmark.cli import main
from benchmark.errors import ConfigError
from benchmark.evaluation.results import load_result
from benchmark.runner.outdir import result_stem
from benchmark.systems.adapters import resolve_system
from benchmark.systems.registry import available_systems, import_plugin

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DATASET = ROOT / "data" / "seeds"

PLUGIN = '''
from benchmark import Example, System, SystemConfig, register_system, split_sentences


class LongestKConfig(SystemConfig):
    k: int = 2


@register_system("{name}", "the k longest sentences, in document order")
class LongestK(System):
    Config = LongestKConfig

    def summarize(self, example: Example) -> str:
        sents = split_sentences(example.document)
        keep = sorted(sorted(range(len(sents)), key=lambda i: -len(sents[i]))[: self.config.k])
        return " ".join(sents[i] for i in keep)
'''


@pytest.fixture(autouse=True)
def _own_registry() -> Iterator[None]:
    """Systems registered here must not leak into other tests (the demo lists them all)."""
    import sys

    from benchmark.systems import registry

    registry.available_systems()  # load the entry points first, or the snapshot is empty
    systems, files, modules = dict(registry._REGISTRY), dict(registry._PLUGIN_FILES), set(
        sys.modules)
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(systems)
    registry._PLUGIN_FILES.clear()
    registry._PLUGIN_FILES.update(files)
    for name in set(sys.modules) - modules:
        if name.startswith("plug_"):
            del sys.modules[name]


def _plugin(folder: Path, module: str, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}.py"
    path.write_text(PLUGIN.format(name=name), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_py_class_takes_its_own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plugin(tmp_path, "plug_cfg", "longest-cfg")
    monkeypatch.chdir(tmp_path)  # a module in the working directory, as `python -m` finds it
    one = resolve_system("py:plug_cfg:LongestK#k=1")
    three = resolve_system("py:plug_cfg:LongestK#k=3&seed=7")
    assert one.label == "py:plug_cfg:LongestK#k=1"  # type: ignore[attr-defined]
    assert one.identity() != three.identity()
    delegate = three.delegate  # type: ignore[attr-defined]
    assert (delegate.config.k, delegate.config.seed) == (3, 7)
    with pytest.raises(ConfigError, match=r"field 'kk': Extra inputs are not permitted "
                       r"\(config fields: seed, k\)"):
        resolve_system("py:plug_cfg:LongestK#kk=1")


def test_plugin_file_registers_systems_for_run(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    plugin = _plugin(tmp_path / "elsewhere", "plug_file", "longest-file")
    out = tmp_path / "runs"
    code, stdout, err = _run(capsys, "run", "--dataset", str(SEEDS_DATASET), "--split", "all",
                             "--plugin", str(plugin), "--system", "longest-file#k=1",
                             "--system", "longest-file:k=3", "--out", str(out),
                             "--no-human-ceiling", "--timeout", "60")
    assert code == 0, err
    assert "longest-file:k=1" in stdout and "longest-file:k=3" in stdout
    r1 = load_result(out / f"{result_stem('longest-file:k=1')}.json")
    r3 = load_result(out / f"{result_stem('longest-file:k=3')}.json")
    assert r1.system_config["k"] == 1 and r3.system_config["k"] == 3
    # one sentence is shorter than three: the config reached the class (in a worker process)
    assert r1.aggregates["len_words"].mean < r3.aggregates["len_words"].mean
    assert "longest-file" in available_systems()


def test_unknown_system_without_plugin_and_broken_plugin(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "run", "--dataset", str(SEEDS_DATASET), "--system",
                        "longest-nowhere", "--out", str(tmp_path / "runs"))
    assert code == 2 and "unknown system 'longest-nowhere'" in err
    broken = tmp_path / "plug_broken.py"
    broken.write_text("raise RuntimeError('no model here')\n", encoding="utf-8")
    code, _, err = _run(capsys, "systems", "--plugin", str(broken))
    assert code == 2 and "RuntimeError: no model here" in err and "Traceback" not in err
    with pytest.raises(ConfigError, match="cannot import plug-in 'no_such_module_x'"):
        import_plugin("no_such_module_x")


def test_systems_lists_a_plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _plugin(tmp_path, "plug_mod", "longest-mod")
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = _run(capsys, "systems", "--plugin", "plug_mod", "-v")
    assert code == 0
    line = next(x for x in stdout.splitlines() if x.startswith("longest-mod"))
    assert "the k longest sentences" in line
    assert json.dumps(2) in stdout.split("longest-mod", 1)[1].splitlines()[1]
