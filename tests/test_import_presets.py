"""`sumbench import --preset`, column detection with a printed mapping, the XSum human-eval file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHARED

from benchmark.cli import cli
from benchmark.dataset.folder import load_dataset_dir, validate_dataset_dir
from benchmark.dataset.importer import import_dataset
from benchmark.dataset.xsum_eval import SYSTEMS, parse_xsum_eval
from benchmark.errors import ConfigError, InputError, OutputError

XSUM_EVAL = SHARED / "eval" / "xsum_human_eval.txt"
ART = ("The city council approved a new budget on Tuesday after months of debate. "
       "The plan raises spending on schools and roads.")


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cnn_dailymail_columns_are_detected_and_the_mapping_printed(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "cnndm.jsonl", [
        {"id": f"c{i}", "article": f"{ART} Vote {i}.", "highlights": "Council passes budget."}
        for i in range(3)])
    res = CliRunner().invoke(cli, ["import", str(src), "--out", str(tmp_path / "ds")])
    assert res.exit_code == 0, res.output
    assert ("columns: document <- article, reference <- highlights, id <- id (preset "
            "cnn_dailymail, detected from the columns)") in res.output
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    # detected from column names: the mapping is used, but the card cites nothing it guessed
    assert "Source:" not in card and "Cite the source" not in card
    assert "document = the input's `article` column; references = its `highlights`" in card
    import_dataset(src, tmp_path / "named", preset="cnn_dailymail")
    card = (tmp_path / "named" / "README.md").read_text(encoding="utf-8")
    assert "Source: <https://huggingface.co/datasets/abisee/cnn_dailymail>" in card
    assert "Teaching Machines to Read and Comprehend" in card
    ds = load_dataset_dir(tmp_path / "ds")
    assert [e.id for e in ds.splits["test"]] == ["c0", "c1", "c2"]
    # a named preset that does not fit is a located error, not a guess
    with pytest.raises(InputError, match="missing required column 'document'"):
        import_dataset(src, tmp_path / "bad", preset="xsum")


def test_multi_news_documents_are_split_with_the_preset_only(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "mn.jsonl", [{
        "document": f"{ART} ||||| {ART.replace('Tuesday', 'Monday')} |||||",
        "summary": "– The council passed a budget."}])
    whole = import_dataset(src, tmp_path / "whole")
    assert any("contain '|||||'" in w and "--preset multi_news" in w for w in whole.warnings)
    assert len(load_dataset_dir(tmp_path / "whole").splits["test"][0].documents) == 1
    split = import_dataset(src, tmp_path / "split", preset="multi_news")
    ex = load_dataset_dir(tmp_path / "split").splits["test"][0]
    assert len(ex.documents) == 2 and ex.documents[1].startswith("The city council")
    assert "Monday" in ex.documents[1] and not any("|||||" in d for d in ex.documents)
    assert not any("|||||" in w for w in split.warnings)
    assert "documents split on '|||||'" in split.notes[0]


def test_wcep_articles_and_samsum_dialogues(tmp_path: Path) -> None:
    wcep = _jsonl(tmp_path / "wcep.jsonl", [{
        "id": "w1", "date": "2019-05-01", "summary": "A council passed a budget.",
        "articles": [{"title": "Budget passes", "text": ART}, {"title": None, "text": ART}]}])
    rep = import_dataset(wcep, tmp_path / "wcep")
    assert "(preset wcep, detected from the columns)" in rep.notes[0]
    ex = load_dataset_dir(tmp_path / "wcep").splits["test"][0]
    assert ex.documents == [f"Budget passes\n\n{ART}", ART]
    assert str(ex.published) == "2019-05-01"
    sam = _jsonl(tmp_path / "samsum.jsonl", [{
        "id": "s1", "dialogue": "Amanda: I baked cookies.\nJerry: Sure!",
        "summary": "Amanda baked cookies."}])
    import_dataset(sam, tmp_path / "sam", preset="samsum")
    assert load_dataset_dir(tmp_path / "sam").splits["test"][0].document.startswith("Amanda:")
    # an explicit column wins over the preset
    rep = import_dataset(sam, tmp_path / "sam2", preset="samsum", reference_field="dialogue")
    assert "reference <- dialogue" in rep.notes[0]
    with pytest.raises(ConfigError, match="unknown preset 'gigaword'"):
        import_dataset(sam, tmp_path / "x", preset="gigaword")


def test_xsum_human_eval_file_imports_with_published_predictions(tmp_path: Path) -> None:
    out, preds = tmp_path / "xsum50", tmp_path / "preds"
    res = CliRunner().invoke(cli, ["import", str(XSUM_EVAL), "--out", str(out),
                                   "--predictions-out", str(preds), "--license", "MIT"])
    assert res.exit_code == 0, res.output
    assert "columns: document <- Document-Full" in res.output
    assert "predictions of 5 published systems written to" in res.output
    assert validate_dataset_dir(out) is not None
    items = parse_xsum_eval(XSUM_EVAL)
    ds = load_dataset_dir(out)
    by_id = {e.id: e for e in ds.splits["test"]}
    assert len(by_id) == 50
    first = items[0]
    assert by_id[first.id].references == [first.reference]
    assert by_id[first.id].document.split("\n") == first.sentences
    assert sorted(p.name for p in preds.iterdir()) == sorted(f"{s}.jsonl" for s in SYSTEMS)
    rows = [json.loads(line) for line in (preds / "ConvS2S.jsonl").read_text().splitlines()]
    assert {r["id"]: r["summary"] for r in rows} == {i.id: i.outputs["ConvS2S"] for i in items}
    # a user's file in the way is not replaced without --overwrite
    (preds / "LEAD.jsonl").write_text('{"id": "1005", "summary": "mine"}\n')
    with pytest.raises(OutputError, match=r"LEAD\.jsonl exists"):
        import_dataset(XSUM_EVAL, out, predictions_out=preds)
    with pytest.raises(ConfigError, match="xsum-human-eval format only"):
        import_dataset(tmp_path / "preds" / "ConvS2S.jsonl", tmp_path / "y",
                       predictions_out=preds)


def test_xsum_human_eval_published_outputs_score_as_in_the_design(tmp_path: Path) -> None:
    from benchmark.reports.leaderboard import load_runs
    from benchmark.runner.run import run_systems

    import_dataset(XSUM_EVAL, tmp_path / "xsum50", predictions_out=tmp_path / "p")
    run_systems(tmp_path / "xsum50",
                          [f"file:{tmp_path / 'p' / 'ConvS2S.jsonl'}", "lead-1"],
                out=tmp_path / "runs", human_ceiling=False)
    r1 = {r.system: round(100 * r.aggregates["rouge1_f"].mean, 2)
          for r in load_runs(tmp_path / "runs")}
    assert sorted(r1.values()) == [16.66, 33.06]  # DESIGN.md: LEAD 16.66, ConvS2S 33.06


def test_malformed_xsum_human_eval_block_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("==7==\nDocument-400\nx\nDocument-Full\nA .\nLEAD\na .\n", encoding="utf-8")
    with pytest.raises(InputError, match="block ==7== lacks section Ext-Oracle") as err:
        import_dataset(bad, tmp_path / "out")
    assert err.value.line == 1
