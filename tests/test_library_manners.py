"""Library manners: importing sumbench leaves the caller's process alone, its dataset
paths stay offline, the benchmarks run from a fresh clone, one month table."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from benchmark.group.features import profile
from benchmark.schema import Article

SEEDS_DATASET = ROOT / "data" / "seeds"
HF_VARS = ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE", "HF_UPDATE_DOWNLOAD_COUNTS")


def _python(code: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("datasets_first", [False, True])
def test_import_and_loading_leave_os_environ_alone(datasets_first: bool) -> None:
    code = (
        "import os, json\n"
        f"{'import datasets' if datasets_first else ''}\n"
        "before = dict(os.environ)\n"
        "import benchmark\n"
        "after_import = dict(os.environ)\n"
        f"benchmark.load_dataset_dir({str(SEEDS_DATASET)!r})\n"
        f"assert benchmark.validate_dataset_dir({str(SEEDS_DATASET)!r}) == []\n"
        "import datasets\n"
        "print(json.dumps([before == after_import, before == dict(os.environ),\n"
        "                  datasets.config.HF_HUB_OFFLINE]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in HF_VARS}
    assert _python(code, env).strip() == "[true, true, false]"


def test_dataset_paths_make_no_network_call(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    import benchmark
    from benchmark.rows import hf_offline

    calls: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        calls.append(address)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    benchmark.build_dataset(ROOT / "data" / "raw", tmp_path / "built")
    assert benchmark.validate_dataset_dir(tmp_path / "built") == []
    loaded = benchmark.load_dataset_dir(tmp_path / "built")
    # a saved `datasets` folder read through sumbench's row layer (import)
    report = benchmark.import_dataset(tmp_path / "built" / "hf", tmp_path / "imported",
                                      document_field="document", reference_field="references")
    assert sum(report.examples.values()) == sum(len(v) for v in loaded.splits.values())
    assert calls == []
    flags = (datasets.config.HF_HUB_OFFLINE, datasets.config.HF_UPDATE_DOWNLOAD_COUNTS)
    with hf_offline():
        assert datasets.config.HF_HUB_OFFLINE and not datasets.config.HF_UPDATE_DOWNLOAD_COUNTS
    assert flags == (datasets.config.HF_HUB_OFFLINE, datasets.config.HF_UPDATE_DOWNLOAD_COUNTS)


@pytest.mark.parametrize(("script", "option"), [("scoring_throughput.py", "--path"),
                                                ("grouping.py", "--data"),
                                                ("xsum_sanity.py", "--path")])
def test_bench_scripts_run_from_a_fresh_clone(tmp_path: Path, script: str, option: str) -> None:
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "bench", clone / "bench")
    env = {**os.environ, "SUMBENCH_SHARED": str(tmp_path / "nowhere")}
    proc = subprocess.run([sys.executable, str(clone / "bench" / script)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"not found; pass {option} FILE or set SUMBENCH_SHARED" in proc.stderr
    env.pop("SUMBENCH_SHARED")  # the clone has no sibling shared/: the fallback is used
    code = "from shared_data import shared_dir; print(shared_dir())"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60, env=env, cwd=clone / "bench")
    assert (Path(found.stdout.strip()) / "eval").is_dir(), found.stderr


@pytest.mark.parametrize("text", ["Oct. 23, 2012", "23 октября 2012", "23 Ekim 2012",
                                  "Tuesday, 23 October 2012"])
def test_grouping_reads_the_day_with_ingests_month_names(text: str) -> None:
    import datetime as dt

    article = Article(id="a", body=f"The ministry said on {text} that the talks resumed.",
                      language="en", content_hash="0" * 64)
    assert dt.date(2000, 10, 23).timetuple().tm_yday in profile(article).days
