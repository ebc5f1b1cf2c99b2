"""Predictions files read through the shared row layer: .gz, bad bytes, duplicates, Parquet batches.

Every file is written here; the ids and summaries are the seed examples' lead sentences,
so the `file:` adapter and `evaluate_dataset` run on real text.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_evaluate import lead_predictions, seed_examples

from benchmark.errors import InputError
from benchmark.evaluation.predictions import read_predictions, read_predictions_file
from benchmark.systems import resolve_system
from benchmark.systems.registry import Failure

PREDS = lead_predictions(seed_examples())


def _jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def _csv_bytes(rows: list[dict[str, Any]], delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def _rows(fingerprint: str = "") -> list[dict[str, Any]]:
    extra = {"fingerprint": fingerprint} if fingerprint else {}
    return [{"id": k, "summary": v, **extra} for k, v in PREDS.items()]


@pytest.mark.parametrize("name", ["p.jsonl.gz", "p.ndjson.gz", "p.csv.gz", "p.tsv.gz"])
def test_gzipped_predictions_read_like_plain_ones(tmp_path: Path, name: str) -> None:
    rows = _rows(fingerprint="deadbeef00")
    if ".tsv" in name:
        data = _csv_bytes(rows, "\t")
    elif ".csv" in name:
        data = _csv_bytes(rows)
    else:
        data = _jsonl_bytes(rows)
    plain = _write(tmp_path / name.removesuffix(".gz"), data)
    gz = _write(tmp_path / name, data)
    assert gz.read_bytes()[:2] == b"\x1f\x8b"  # really compressed
    got = read_predictions_file(gz)
    assert got.predictions == PREDS == read_predictions(plain)
    assert got.fingerprint == "deadbeef00" and got.path == str(gz)


def test_gzipped_predictions_through_the_file_adapter(tmp_path: Path) -> None:
    examples = seed_examples()
    path = _write(tmp_path / "preds.jsonl.gz", _jsonl_bytes(_rows()[:4]))
    out = resolve_system(f"file:{path}").predict_batch(examples)
    assert out[:4] == [PREDS[ex.id] for ex in examples[:4]]
    assert isinstance(out[4], Failure) and "no prediction for this id" in out[4].reason


def test_a_damaged_gz_is_an_input_error(tmp_path: Path) -> None:
    data = gzip.compress(_jsonl_bytes(_rows() * 40))  # ids repeat, but reading fails first
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(data[:40])
    with pytest.raises(InputError, match=r"cut.jsonl.gz: cannot read file"):
        read_predictions(truncated)
    fake = tmp_path / "fake.csv.gz"
    fake.write_bytes(_csv_bytes(_rows()))  # plain text under a .gz name
    with pytest.raises(InputError, match=r"fake.csv.gz: cannot read file: Not a gzipped file"):
        read_predictions(fake)


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        (
            "bad.jsonl.gz",
            3,
            "bad.jsonl.gz:3: not valid UTF-8 (byte 0xe9 at offset 27 in the line); "
            "re-encode the file as UTF-8",
        ),
        (  # the header is line 1, so the third row is line 4; offset 5 is after "c,caf"
            "bad.csv",
            4,
            "bad.csv:4, field 'summary': not valid UTF-8 (byte 0xe9 at offset 5 in the line); "
            "re-encode the file as UTF-8",
        ),
    ],
)
def test_bad_utf8_names_the_line_and_byte(
    tmp_path: Path, name: str, line: int, message: str
) -> None:
    rows = [{"id": i, "summary": s} for i, s in (("a", "ok"), ("b", "fine"), ("c", "café"))]
    data = _csv_bytes(rows) if ".csv" in name else _jsonl_bytes(rows)
    data = data.replace("café".encode(), "café".encode("latin-1"))  # the third row only
    path = _write(tmp_path / name, data)
    with pytest.raises(InputError) as err:
        read_predictions(path)
    assert str(err.value) == f"{tmp_path / message}"
    assert err.value.line == line


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    ids = list(PREDS)
    rows = [{"id": i, "summary": PREDS[i]} for i in ids]
    rows.insert(3, {"id": ids[1], "summary": "a second summary for the same example"})
    jl = _write(tmp_path / "dup.jsonl.gz", b"\n" + _jsonl_bytes(rows))  # blank first line
    with pytest.raises(InputError) as err:
        read_predictions(jl)
    assert str(err.value) == f"{jl}:5, field 'id': duplicate id '{ids[1]}' (first at line 3)"
    cs = _write(tmp_path / "dup.csv", _csv_bytes(rows))
    with pytest.raises(InputError, match=rf"dup.csv:5, field 'id': duplicate id '{ids[1]}' "
                       r"\(first at line 3\)"):
        read_predictions(cs)


# --------------------------------------------------------------------------- Parquet


def _parquet(path: Path, rows: list[dict[str, Any]], row_group_size: int = 64) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of the Parquet record batches the reader pulled, in order."""
    import pyarrow.parquet as pq

    seen: list[int] = []
    real = pq.ParquetFile.iter_batches

    def spy(self: pq.ParquetFile, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for batch in real(self, *args, **kwargs):
            seen.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    return seen


def _many(n: int) -> list[dict[str, Any]]:
    texts = list(PREDS.values())
    return [
        {"id": f"ex{i}", "summary": texts[i % len(texts)], "document": texts[i % len(texts)] * 20}
        for i in range(n)
    ]


def test_parquet_predictions_are_read_in_batches(tmp_path: Path, batches: list[int]) -> None:
    rows = _many(1000)
    path = _parquet(tmp_path / "p.parquet", rows)
    got = read_predictions_file(path, batch_size=128)
    assert got.predictions == {r["id"]: r["summary"] for r in rows}
    assert sum(batches) == 1000 and len(batches) >= 8 and max(batches) <= 128


def test_parquet_rows_are_numbered_across_batches(tmp_path: Path, batches: list[int]) -> None:
    rows = _many(1000)
    rows[876]["id"] = "ex6"
    path = _parquet(tmp_path / "dup.parquet", rows)
    with pytest.raises(InputError) as err:
        read_predictions(path)  # default batch size
    assert str(err.value) == f"{path}:877, field 'id': duplicate id 'ex6' (first at row 7)"
    rows[876]["id"] = "ex876"
    rows[2]["summary"] = None
    batches.clear()
    path = _parquet(tmp_path / "null.parquet", rows)
    with pytest.raises(InputError, match=r"null.parquet:3, field 'summary': summary of id 'ex2' "
                       r"is null"):
        read_predictions_file(path, batch_size=100)
    assert batches == [100]  # stopped in the first batch: the rest was never read


def test_parquet_without_a_summary_column_fails_before_any_row(
    tmp_path: Path, batches: list[int]
) -> None:
    path = _parquet(tmp_path / "nosum.parquet", [{"id": "a", "text": "x"}])
    with pytest.raises(InputError) as err:
        read_predictions(path)
    assert str(err.value) == f"{path}, field 'summary': no 'summary' column (found: id, text)"
    assert batches == []


def test_unknown_suffixes_list_what_is_accepted(tmp_path: Path) -> None:
    for name in ("p.parquet.gz", "p.txt.gz"):
        path = _write(tmp_path / name, b"x\n")
        with pytest.raises(InputError) as err:
            read_predictions(path)
        assert str(err.value) == (
            f"{path}: unknown predictions format '{name[1:]}': "
            "use .jsonl, .csv, .tsv (each optionally .gz) or .parquet"
        )
    with pytest.raises(InputError, match=r"is a directory, expected a file"):
        read_predictions(tmp_path)


def test_evaluate_scores_a_gzipped_predictions_file_on_the_seed_dataset(tmp_path: Path) -> None:
    from benchmark.dataset.folder import load_dataset_dir
    from benchmark.evaluation.evaluate import EvalConfig, evaluate_dataset

    ds = load_dataset_dir(ROOT / "data" / "seeds")
    test = ds.splits["test"]
    preds = lead_predictions(test)
    rows = [{"id": k, "summary": v, "fingerprint": ds.fingerprint[:12]} for k, v in preds.items()]
    plain = _write(tmp_path / "lead.jsonl", _jsonl_bytes(rows))
    gz = _write(tmp_path / "lead.jsonl.gz", _jsonl_bytes(rows))
    cfg = EvalConfig(n_resamples=100)
    a = evaluate_dataset(ROOT / "data" / "seeds", plain, config=cfg)
    b = evaluate_dataset(ROOT / "data" / "seeds", gz, config=cfg)
    assert a.aggregates == b.aggregates and a.aggregates["rouge1_f"].mean > 0
