"""`--overwrite` killed mid-swap (issue 17, item 5): a later run finishes or undoes the swap,
and scratch folders left by killed writers are removed and reported, never silently kept."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.dataset.export import check_output_dir
from benchmark.dataset.folder import load_dataset_dir, resolve_dataset
from benchmark.dataset.importer import import_dataset
from benchmark.files import recover, write_text_atomic

DEAD_PID = 99_999_999  # above Linux's largest pid: never a live process

KILL_AT = """
import os, sys
real = os.replace
point = sys.argv[3]
def replace(src, dst):
    src, dst = str(src), str(dst)
    # "swap": the old folder is aside, the new not yet in place; "write": still writing
    if point == "swap" and dst == sys.argv[2] and ".write-" in src:
        os._exit(9)
    return real(src, dst)
os.replace = replace
if point == "write":
    import benchmark.dataset.export as export
    def die(*a, **k):
        os._exit(9)
    export._write_arrow = die
from benchmark.dataset.importer import import_dataset
import_dataset(sys.argv[1], sys.argv[2], overwrite=True)
"""


def _pairs(path: Path, summary: str) -> Path:
    path.write_text(json.dumps({"id": "a", "document": "The council approved the budget.",
                                "summary": summary}) + "\n", encoding="utf-8")
    return path


def _summary(out: Path) -> str:
    return str(load_dataset_dir(out).splits["test"][0].references[0])


def _killed_import(src: Path, out: Path, point: str) -> None:
    proc = subprocess.run([sys.executable, "-c", KILL_AT, str(src), str(out), point],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr


def _scratch(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_kill_between_the_two_renames_is_finished_by_the_next_run(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "ds"
    import_dataset(_pairs(tmp_path / "v1.jsonl", "Budget approved."), out)
    _killed_import(_pairs(tmp_path / "v2.jsonl", "Council passes the budget."), out, "swap")
    assert not out.exists()  # the window the issue names: neither dataset in place
    assert [n.split(".")[3].split("-")[0] for n in _scratch(out)] == ["rejects", "write"]
    with caplog.at_level(logging.WARNING, logger="sumbench"):
        assert resolve_dataset(out) == out  # any later reader puts it back
    assert _summary(out) == "Council passes the budget."
    assert _scratch(out) == []
    assert "finished an interrupted replacement" in caplog.text
    assert "removed" in caplog.text


def test_swap_without_a_complete_new_output_restores_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    import_dataset(_pairs(tmp_path / "v1.jsonl", "Budget approved."), out)
    scratch = tmp_path / f".ds.{DEAD_PID}.write-abc123.tmp"
    scratch.mkdir()
    out.rename(scratch / "old")  # moved aside; the new output never got its COMPLETE mark
    (scratch / "ds").mkdir()
    (scratch / "ds" / "half").write_text("x")
    done = recover(out)
    assert done[0].startswith(f"restored {out}")
    assert _summary(out) == "Budget approved."
    assert _scratch(out) == []


def test_kill_while_writing_leaves_the_old_dataset_and_the_scratch_is_removed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "ds"
    import_dataset(_pairs(tmp_path / "v1.jsonl", "Budget approved."), out)
    _killed_import(_pairs(tmp_path / "v2.jsonl", "Council passes the budget."), out, "write")
    assert _summary(out) == "Budget approved."
    left = _scratch(out)
    assert left and all(".tmp" in n for n in left)  # the build's and the export's scratch
    with caplog.at_level(logging.WARNING, logger="sumbench"):
        check_output_dir(out, overwrite=True)
    assert _scratch(out) == []
    assert caplog.text.count("left by an interrupted write") == len(left)
    assert _summary(out) == "Budget approved."


def test_a_live_writers_scratch_folder_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "x.txt"
    live = tmp_path / f".x.txt.{1}.write-abc.tmp"  # pid 1 is always alive
    live.mkdir()
    write_text_atomic(out, "hello\n")
    assert live.is_dir() and out.read_text() == "hello\n"
