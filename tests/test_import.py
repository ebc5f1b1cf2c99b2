"""`sumbench import`: paired datasets in every format, split handling, bad rows located."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.dataset.folder import load_dataset_dir, validate_dataset_dir
from benchmark.dataset.importer import import_dataset
from benchmark.errors import ConfigError, InputError
from benchmark.metrics.fragments import fragment_stats

ROWS = [
    {
        "id": "b2",
        "article": "The council approved the budget on Monday. It passed 7 to 2.",
        "highlights": "Council approves budget.",
        "part": "train",
    },
    {
        "id": "a1",
        "article": "Heavy rain flooded the valley overnight. Roads were closed.",
        "highlights": ["Valley floods.", "Rain closes roads."],
        "part": "test",
    },
    {
        "id": "c3",
        "article": "A new bridge opened to traffic after two years of work.",
        "highlights": "Bridge opens.",
        "part": "test",
    },
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_import_multi_reference_and_fragments(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    report = import_dataset(
        src,
        tmp_path / "out",
        document_field="article",
        reference_field="highlights",
        split_field="part",
    )
    assert report.examples == {"train": 1, "test": 2} and report.articles_rejected == 0
    ds = load_dataset_dir(tmp_path / "out")
    assert [e.id for e in ds.splits["test"]] == ["a1", "c3"]
    a1 = ds.splits["test"][0]
    assert a1.strategy == "imported" and a1.cluster_id == "a1"
    assert a1.references == ["Valley floods.", "Rain closes roads."]
    assert a1.reference_ids == ["a1#r0", "a1#r1"] and a1.source_ids == ["a1"]
    assert a1.fragments == [fragment_stats(a1.document, r) for r in a1.references]
    assert validate_dataset_dir(tmp_path / "out") == []
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "task_categories:\n- summarization" in card and "imported: 3" in card
    assert "rows: 3 read, 3 imported, 0 rejected" in report.summary()


def test_csv_parquet_and_saved_dataset_give_the_same_examples(tmp_path: Path) -> None:
    flat = [
        {
            **r,
            "highlights": r["highlights"]
            if isinstance(r["highlights"], str)
            else r["highlights"][0],
        }
        for r in ROWS
    ]
    with open(tmp_path / "in.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(flat[0]))
        w.writeheader()
        w.writerows(flat)
    import datasets

    ds = datasets.Dataset.from_list(flat)
    ds.to_parquet(str(tmp_path / "in.parquet"))
    datasets.DatasetDict({"validation": ds}).save_to_disk(str(tmp_path / "saved"))
    kw = {"document_field": "article", "reference_field": "highlights"}
    fps = set()
    for name in ("in.csv", "in.parquet"):
        rep = import_dataset(tmp_path / name, tmp_path / f"out-{name}", **kw)
        assert rep.examples == {"test": 3}
        fps.add(rep.fingerprint)
    rep = import_dataset(tmp_path / "saved", tmp_path / "out-saved", **kw)
    assert rep.examples == {"validation": 3}  # a saved DatasetDict keeps its splits
    fps.add(rep.fingerprint)
    assert len(fps) == 1


def test_ids_derive_from_content_when_absent(tmp_path: Path) -> None:
    rows = [{"document": r["article"], "summary": "Short summary."} for r in ROWS]
    a = import_dataset(write_jsonl(tmp_path / "a.jsonl", rows), tmp_path / "A")
    b = import_dataset(write_jsonl(tmp_path / "b.jsonl", rows[::-1]), tmp_path / "B")
    assert a.fingerprint == b.fingerprint  # row order does not matter
    ids = [e.id for e in load_dataset_dir(tmp_path / "A").splits["test"]]
    assert all(i.startswith("imported-") for i in ids) and len(set(ids)) == 3


@pytest.mark.parametrize(
    ("content", "line", "needle"),
    [
        (
            b'{"id": "1", "document": "d", "summary": "s"}\n{"id": "2", "document": \n',
            2,
            "malformed JSON",
        ),
        (
            b'{"id": "1", "document": "doc text", "summary": "s"}\n{"id": "2", "summary": "s"}\n',
            2,
            "missing required column 'document'",
        ),
        (b'{"id": "1", "document": "   ", "summary": "s"}\n', 1, "empty text"),
        (b'{"id": "1", "document": "d\xff", "summary": "s"}\n', 1, "not valid UTF-8"),
        (
            b'{"id": "1", "document": "d", "summary": "s"}\n'
            b'{"id": "1", "document": "e", "summary": "t"}\n',
            2,
            "duplicate id '1'",
        ),
        (
            b'{"id": "1", "document": "d", "summary": "s", "published": "yesterday"}\n',
            1,
            "not an ISO date",
        ),
    ],
)
def test_bad_rows_are_located_or_rejected(
    tmp_path: Path, content: bytes, line: int, needle: str
) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_bytes(content)
    with pytest.raises(InputError, match=needle) as info:
        import_dataset(src, tmp_path / "out")
    assert info.value.path == str(src) and info.value.line == line
    assert not (tmp_path / "out").exists()
    # --skip-invalid: the good rows are kept, the bad one is written with its reason
    good = b'{"id": "ok", "document": "A fine document.", "summary": "Fine."}\n'
    src.write_bytes(
        good + content.replace(b'"1"', b'"x"', 1) if "duplicate" not in needle else good + content
    )
    rep = import_dataset(src, tmp_path / "out2", skip_invalid=True)
    assert rep.articles_rejected == 1 and rep.rejects_path
    (reject,) = [json.loads(x) for x in Path(rep.rejects_path).read_text().splitlines()]
    assert reject["line"] == line + 1 and needle.split("'")[0] in reject["reason"]


def test_csv_bad_rows(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b'id,document,summary\n1,"multi\nline doc",sum\n2,only-two\n3,d\xe9,s\n')
    with pytest.raises(InputError, match="row has 2 columns") as info:
        import_dataset(src, tmp_path / "out")
    assert info.value.line == 4  # the quoted newline makes row 1 span lines 2-3
    rep = import_dataset(src, tmp_path / "out", skip_invalid=True)
    assert rep.articles_read == 3 and rep.articles_rejected == 2
    reasons = [
        json.loads(x)["reason"] for x in Path(rep.rejects_path or "").read_text().splitlines()
    ]
    assert any("UTF-8" in r for r in reasons)
    (ex,) = load_dataset_dir(tmp_path / "out").splits["test"]
    assert ex.document == "multi\nline doc"


def test_options_are_checked(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    with pytest.raises(ConfigError, match="unknown import field"):
        import_dataset(src, tmp_path / "o", field_map={"headline": "x"})
    with pytest.raises(InputError, match="format"):
        src.with_suffix(".xml").write_text("<x/>")
        import_dataset(src.with_suffix(".xml"), tmp_path / "o")


SUMBENCH = [sys.executable, "-c", "import sys; from benchmark.cli import main; main(sys.argv[1:])"]


def test_cli_import_and_validate(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    cmd = [
        *SUMBENCH,
        "import",
        str(src),
        "--out",
        str(tmp_path / "o"),
        "--document-field",
        "article",
        "--reference-field",
        "highlights",
        "--split-field",
        "part",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "examples: 3 (train 1, test 2)" in run.stdout
    val = subprocess.run(
        [*SUMBENCH, "validate", str(tmp_path / "o")], capture_output=True, text=True
    )
    assert val.returncode == 0 and "valid" in val.stdout
    bad = subprocess.run(
        [*cmd[:6], str(tmp_path / "o2"), "--document-field", "nope"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "missing required column 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr
