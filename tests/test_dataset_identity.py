"""Dataset identity is the fingerprint, the name a label (issue 17, item 7): the same data in
two differently named folders gives comparable runs for `check` and `leaderboard`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark.dataset.importer import import_dataset
from benchmark.errors import ConfigError
from benchmark.evaluation.evaluate import EvalConfig, evaluate_dataset
from benchmark.reports.check import check_runs
from benchmark.reports.leaderboard import build_leaderboard, to_markdown

PAIRS = [
    {"id": f"p{i}", "document": f"The council met on day {i} and approved budget item {i} "
     "after a long debate about roads and schools.", "summary": f"Council approves item {i}."}
    for i in range(6)
]
CONFIG = EvalConfig(metrics=["rouge"], n_resamples=50)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("identity")
    src = d / "pairs.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in PAIRS), encoding="utf-8")
    preds = {}
    for name, words in (("lead", 6), ("short", 3)):
        preds[name] = d / f"{name}.jsonl"
        preds[name].write_text("".join(
            json.dumps({"id": p["id"], "summary": " ".join(p["document"].split()[:words])}) + "\n"
            for p in PAIRS), encoding="utf-8")
    import_dataset(src, d / "news-v1")
    import_dataset(src, d / "copy-on-laptop")
    other = d / "other.jsonl"
    other.write_text(src.read_text().replace("roads", "rivers"), encoding="utf-8")
    import_dataset(other, d / "different")
    return {"v1": d / "news-v1", "copy": d / "copy-on-laptop", "different": d / "different",
            **preds}


def test_same_data_under_two_names_is_comparable(folders: dict[str, Path]) -> None:
    a = evaluate_dataset(folders["v1"], folders["lead"], config=CONFIG, system="lead")
    b = evaluate_dataset(folders["copy"], folders["lead"], config=CONFIG, system="lead")
    assert (a.dataset, b.dataset) == ("news-v1", "copy-on-laptop")  # the label is kept
    assert a.signature == b.signature
    assert f"|dataset:{a.dataset_fingerprint[:12]}|" in a.signature
    assert "news-v1" not in a.signature
    report = check_runs(a, b)
    assert report.passed
    c = evaluate_dataset(folders["copy"], folders["short"], config=CONFIG, system="short")
    board = build_leaderboard([a, c], baseline="lead")
    assert [r.system for r in board.rows] == ["lead", "short"]
    assert to_markdown(board).startswith("# Leaderboard: copy-on-laptop / news-v1 (test)")


def test_different_data_is_still_refused(folders: dict[str, Path]) -> None:
    a = evaluate_dataset(folders["v1"], folders["lead"], config=CONFIG, system="lead")
    d = evaluate_dataset(folders["different"], folders["short"], config=CONFIG, system="short")
    assert a.dataset_fingerprint != d.dataset_fingerprint
    with pytest.raises(ConfigError, match="dataset"):
        check_runs(a, d)
    with pytest.raises(ConfigError, match="runs differ in"):
        build_leaderboard([a, d], baseline="lead")
