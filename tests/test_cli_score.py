"""``sumbench score`` and ``sumbench evaluate`` end to end, on files written from the seeds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_evaluate import lead_predictions, seed_examples

from benchmark.cli import main
from benchmark.evaluation.results import load_result
from benchmark.schema import Example


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _score_args(files: dict[str, Path]) -> list[str]:
    """`sumbench score` with both reference files and the lead-1 outputs."""
    return ["score", "-r", str(files["ref1"]), "-r", str(files["ref2"]), "-p", str(files["pred"])]


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return seed_examples()


@pytest.fixture()
def parallel(tmp_path: Path, examples: list[Example]) -> dict[str, Path]:
    preds = lead_predictions(examples)
    files = {
        "pred": tmp_path / "lead.txt",
        "ref1": tmp_path / "refs1.txt",
        "ref2": tmp_path / "refs2.txt",
        "docs": tmp_path / "docs.txt",
    }
    files["pred"].write_text("".join(preds[e.id] + "\n" for e in examples), encoding="utf-8")
    files["ref1"].write_text("".join(e.references[0] + "\n" for e in examples), encoding="utf-8")
    files["ref2"].write_text("".join(e.references[1] + "\n" for e in examples), encoding="utf-8")
    files["docs"].write_text(
        "".join(" ".join(e.document.split()) + "\n" for e in examples), encoding="utf-8"
    )
    return files


def test_score_prints_cis_and_signature_and_writes_a_result(
    parallel: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "result.json"
    code, out, err = _run(
        [
            *_score_args(parallel),
            "--bootstrap",
            "300",
            "--out",
            str(out_file),
        ],
        capsys,
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["metric", "mean", "95%", "CI", "n"]
    row = next(ln for ln in lines if ln.startswith("rouge1_f"))
    result = load_result(out_file)
    agg = result.aggregates["rouge1_f"]
    assert f"{agg.mean * 100:.2f}" in row and f"[{agg.low * 100:.2f}, {agg.high * 100:.2f}]" in row
    assert lines[-1] == f"signature: {result.signature}"
    fp = result.dataset_fingerprint[:12]
    assert f"|multiref:max|agg:mean|boot:300@12345|dataset:{fp}|" in result.signature
    assert [len(e.per_reference["rouge1_f"]) for e in result.examples] == [2] * 5


def test_score_json_with_lengths_jackknife_and_empty_line(
    parallel: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = parallel["pred"].read_text(encoding="utf-8").split("\n")
    lines[2] = ""
    parallel["pred"].write_text("\n".join(lines), encoding="utf-8")
    code, out, err = _run(
        [
            *_score_args(parallel),
            "--documents",
            str(parallel["docs"]),
            "--metric",
            "rouge",
            "--metric",
            "lengths",
            "--multiref",
            "jackknife",
            "--bootstrap",
            "100",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    payload = json.loads(out)
    assert payload["counts"]["empty_predictions"] == 1
    assert "WARNING: 1 of 5 predictions are empty and scored 0" in err
    assert "|multiref:jackknife|" in payload["signature"]
    assert payload["aggregates"]["coverage"]["n"] == 5
    assert payload["aggregates"]["coverage"]["mean"] == pytest.approx(0.8)  # 4 extractive + 1 empty


def test_score_rouge155_profile(
    parallel: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        [
            *_score_args(parallel),
            "--bootstrap",
            "100",
            "--rouge155",
            "-n 4 -m -a -l 100 -p 0.5 -c 95 -r 1000 -f A -t 0",
        ],
        capsys,
    )
    assert code == 0, err
    assert "rouge4_r" in out and "rougeLsum" not in out
    assert out.splitlines()[-1].startswith("signature: rouge155:-n 4 -m")


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (
            lambda f: f["ref2"].write_text("only one line\n", encoding="utf-8"),
            r"refs2.txt: has 1 lines but .*lead.txt has 5",
        ),
        (
            lambda f: f["ref1"].write_text("a\n\nb\nc\nd\n", encoding="utf-8"),
            r"refs1.txt:2: empty reference line",
        ),
        (
            lambda f: f["pred"].write_bytes(b"ok\nok\n\xff\nok\nok\n"),
            r"lead.txt:3: not valid UTF-8",
        ),
    ],
)
def test_score_bad_input_is_a_clear_error(
    parallel: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    mutate: Callable[[dict[str, Path]], object],
    pattern: str,
) -> None:
    mutate(parallel)
    code, out, err = _run(
        [
            *_score_args(parallel),
        ],
        capsys,
    )
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    assert re.search(pattern, err), err


@pytest.fixture(scope="module")
def dataset_dir(tmp_path_factory: pytest.TempPathFactory, examples: list[Example]) -> Path:
    from benchmark.dataset.export import write_dataset

    out = tmp_path_factory.mktemp("ds") / "seeds"
    write_dataset(out, name="seeds", splits={"test": examples}, settings={}, counts={})
    return out


def test_evaluate_on_a_dataset_directory(
    dataset_dir: Path,
    examples: list[Example],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmark.dataset.folder import load_dataset_dir

    fp = load_dataset_dir(dataset_dir).fingerprint
    preds = lead_predictions(examples)
    path = tmp_path / "lead.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": k, "summary": v, "fingerprint": fp[:12]}) + "\n"
            for k, v in preds.items()
        ),
        encoding="utf-8",
    )
    out_a, out_b = tmp_path / "a.json", tmp_path / "b.json"
    base = [
        "evaluate",
        "--dataset",
        str(dataset_dir),
        "--predictions",
        str(path),
        "--bootstrap",
        "200",
        "--expect-fingerprint",
        fp[:16],
    ]
    code, out, err = _run([*base, "--out", str(out_a)], capsys)
    assert code == 0, err
    assert f"|dataset:{fp[:12]}|" in out and "len_words" in out
    _run([*base, "--out", str(out_b)], capsys)
    a = json.loads(out_a.read_text(encoding="utf-8"))
    b = json.loads(out_b.read_text(encoding="utf-8"))
    a.pop("meta"), b.pop("meta")
    assert a == b and a["system"] == "lead" and a["split"] == "test"

    code, _, err = _run([*base[:-2], "--expect-fingerprint", "0" * 12], capsys)
    assert code == 2 and "fingerprint" in err
    code, _, err = _run([*base, "--split", "validation"], capsys)
    assert code == 2 and "no split 'validation'" in err
    path.write_text(
        "".join(json.dumps({"id": k, "summary": v}) + "\n" for k, v in list(preds.items())[:4]),
        encoding="utf-8",
    )
    code, _, err = _run(base, capsys)
    assert code == 2 and "1 of 5 examples" in err and "--missing zero" in err
    code, out, err = _run([*base, "--missing", "zero", "--json"], capsys)
    assert code == 0 and json.loads(out)["counts"]["missing_scored_zero"] == 1
    assert "WARNING: 1 of 5 examples had no prediction" in err


def test_evaluate_finds_the_bundled_seed_dataset_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from conftest import ROOT

    from benchmark.dataset.folder import load_dataset_dir
    from benchmark.sentences import split_sentences

    bundled = load_dataset_dir(ROOT / "data" / "seeds")
    test = bundled.splits["test"]
    path = tmp_path / "lead1.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": e.id, "summary": split_sentences(e.document)[0]}) + "\n" for e in test
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # no ./seeds here: the name resolves to data/seeds
    args = ["evaluate", "--dataset", "seeds", "--predictions", str(path), "--metric", "lengths"]
    code, out, err = _run([*args, "--bootstrap", "50"], capsys)
    assert code == 0, err
    assert f"|dataset:{bundled.fingerprint[:12]}|" in out
    code, _, err = _run(["evaluate", "--dataset", "nowhere", "--predictions", str(path)], capsys)
    assert code == 2 and "nowhere: no such dataset directory" in err
