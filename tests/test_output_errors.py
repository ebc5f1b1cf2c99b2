"""Places we cannot write (issue 17, item 10): an --out that is a file, a read-only place, a
full disk. Every command says which path and why, exits 2, and leaves earlier outputs whole."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

import benchmark.files
from benchmark.cli import main
from benchmark.errors import OutputError
from benchmark.files import atomic_path, write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "seeds"


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str]:
    try:
        main(argv)
        code: int | None = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A predictions file, a runs folder with one run, an import input and a plain file."""
    d = tmp_path_factory.mktemp("out-errors")
    rows = [json.loads(x) for x in (SEEDS / "data" / "test.jsonl").read_text().splitlines()]
    preds = d / "preds.jsonl"
    preds.write_text("".join(json.dumps({"id": r["id"], "summary": r["document"][:200]}) + "\n"
                             for r in rows), encoding="utf-8")
    runs = d / "runs"
    assert main(["evaluate", "--dataset", str(SEEDS), "--predictions", str(preds),
                 "--out", str(runs / "lead.json"), "--metric", "rouge",
                 "--bootstrap", "20"]) is None
    pairs = d / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "a", "document": "The council approved the budget.",
                                 "summary": "Budget approved."}) + "\n", encoding="utf-8")
    afile = d / "afile"
    afile.write_text("not a folder\n", encoding="utf-8")
    return {"preds": preds, "runs": runs, "pairs": pairs, "afile": afile, "dir": d}


def _commands(w: dict[str, Path], out: Path) -> dict[str, list[str]]:
    return {
        "import": ["import", str(w["pairs"]), "--out", str(out)],
        "build": ["build", str(ROOT / "data" / "raw"), "--out", str(out)],
        "evaluate": ["evaluate", "--dataset", str(SEEDS), "--predictions", str(w["preds"]),
                     "--metric", "rouge", "--bootstrap", "20", "--out", str(out / "r.json")],
        "run": ["run", "--dataset", str(SEEDS), "--system", "lead-1", "--metric", "rouge",
                "--bootstrap", "20", "--out", str(out)],
        "leaderboard": ["leaderboard", str(w["runs"]), "--out", str(out)],
        "report": ["report", str(w["runs"]), "--out", str(out / "r.html")],
    }


@pytest.mark.parametrize("command", ["import", "evaluate", "run", "leaderboard", "report"])
@pytest.mark.parametrize("under", [False, True])
def test_out_that_is_a_file_is_a_located_error(work: dict[str, Path], command: str, under: bool,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = work["afile"] / "sub" if under else work["afile"]
    code, err = _cli(_commands(work, out)[command], capsys)
    assert code == 2, err
    assert "Traceback" not in err and "\nerror: " in "\n" + err
    assert "afile" in err
    assert work["afile"].read_text() == "not a folder\n"


@pytest.mark.parametrize("command", ["import", "evaluate", "run", "leaderboard", "report"])
@pytest.mark.parametrize(("code_", "says"), [(errno.ENOSPC, "the disk is full"),
                                             (errno.EROFS, "the file system is read-only")])
def test_full_disk_and_read_only_place_exit_2_and_keep_what_was_there(
        work: dict[str, Path], command: str, code_: int, says: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = work["dir"] / f"full-{command}-{code_}"
    real_mkdtemp = tempfile.mkdtemp

    def failing(*args: Any, **kwargs: Any) -> str:
        made = real_mkdtemp(*args, **kwargs)
        if code_ == errno.EROFS:
            os.rmdir(made)
            raise OSError(code_, os.strerror(code_), made)
        return made

    def no_space(src: Any, dst: Any) -> None:
        raise OSError(code_, os.strerror(code_), str(dst))

    monkeypatch.setattr(benchmark.files.tempfile, "mkdtemp", failing)
    monkeypatch.setattr(benchmark.files.os, "replace", no_space)
    code, err = _cli(_commands(work, out)[command], capsys)
    assert code == 2, err
    assert "Traceback" not in err and "\nerror: " in "\n" + err
    assert says in err
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]
    assert leftovers == []


def test_atomic_write_on_a_full_disk_keeps_the_old_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.txt"
    write_text_atomic(target, "old\n")

    def no_space(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(benchmark.files.os, "replace", no_space)
    with pytest.raises(OutputError, match=r"cannot write .*keep\.txt: .*the disk is full"):
        write_text_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    with pytest.raises(OutputError, match="a file is in the way"), \
            atomic_path(target / "inner.txt") as tmp:
        tmp.write_text("x")
