"""The fast ROUGE path: C core vs pure Python, self-check and fallback, shared prepared
texts, --jobs, the light start, and the bench's correctness smoke (issue 16)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import random
import subprocess
import sys
import types
import warnings
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.cli import main
from benchmark.evaluation.evaluate import make_config
from benchmark.evaluation.texts import score
from benchmark.metrics import rouge_backend
from benchmark.metrics.rouge import RougeMetric
from benchmark.metrics.rouge_texts import clear_shared
from benchmark.metrics.tokenizers import RougeScoreTokenizer
from benchmark.sentences import split_sentences

TYPES = ["rouge1", "rouge2", "rouge3", "rouge4", "rougeL", "rougeLsum"]


@pytest.fixture()
def fresh_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget the chosen backend and the shared texts before and after a test."""
    rouge_backend.reset()
    clear_shared()
    yield
    monkeypatch.delenv(rouge_backend.ENV, raising=False)
    rouge_backend.reset()
    clear_shared()


def xsum_pairs(n: int, seed: int = 7) -> list[tuple[str, str]]:
    text = (SHARED / "eval" / "xsum_human_eval.txt").read_text(encoding="utf-8")
    sentences = [s for s in text.split("\n") if len(s.split()) > 4 and not s.startswith("==")]
    rng = random.Random(seed)
    return [(" ".join(rng.sample(sentences, rng.randint(1, 4))),
             " ".join(rng.sample(sentences, rng.randint(1, 3)))) for _ in range(n)]


def test_the_c_core_is_built_and_chosen(fresh_backend: None) -> None:
    assert importlib.util.find_spec(rouge_backend.CORE_MODULE) is not None, (
        "the C core was not compiled at install (pip install -e . needs gcc and Python headers)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert RougeMetric().backend == "c"


def test_c_and_python_backends_give_identical_results(
    fresh_backend: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = xsum_pairs(300)
    preds = [p for p, _ in pairs] + ["", "   ", "Москва 2020", "word"]
    refs = [[r] for _, r in pairs] + [["a ref"], ["b ref"], ["x y"], ["word", "other word"]]
    refs[:40] = [[r[0], pairs[-1 - k][1]] for k, r in enumerate(refs[:40])]  # two references
    got = {}
    for name in ("c", "python"):
        monkeypatch.setenv(rouge_backend.ENV, name)
        rouge_backend.reset()
        clear_shared()
        for split in ("sentences", "newline"):
            for multiref in ("max", "pooled"):
                metric = RougeMetric(types=TYPES, multiref=multiref, split=split)  # type: ignore[arg-type]
                assert metric.backend == name
                outs = metric.score(preds, refs, [])
                got[name, split, multiref] = [(o.scores, o.per_reference, o.flags) for o in outs]
    for split in ("sentences", "newline"):
        for multiref in ("max", "pooled"):
            assert got["c", split, multiref] == got["python", split, multiref]


def test_newline_split_equals_rouge_score_on_multiline_text(fresh_backend: None) -> None:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"],
                                      use_stemmer=True)
    pairs = [("\n".join(split_sentences(p)) + "\n\n", "\n".join(split_sentences(r)))
             for p, r in xsum_pairs(200, seed=3)]
    metric = RougeMetric(split="newline")
    assert "|split:newline|" in metric.signature()
    for (p, r), out in zip(pairs, metric.score([p for p, _ in pairs],
                                               [[r] for _, r in pairs], []), strict=True):
        want = scorer.score(r, p)
        for t, s in want.items():
            assert (out.scores[f"{t}_p"], out.scores[f"{t}_r"], out.scores[f"{t}_f"]) == (
                s.precision, s.recall, s.fmeasure)


def test_c_tokenizer_equals_rouge_score_tokenizer() -> None:
    core = importlib.import_module(rouge_backend.CORE_MODULE)
    from rouge_score.tokenize import tokenize as rs_tokenize

    texts = [*rouge_backend.SELF_CHECK_TEXTS, "ÀÉÎ ǅemal ﬁnance Straße İzmir K-12 x²",
             "tabs\tand\rreturns\x0bvertical", "a" * 300 + " end"]
    plain = RougeScoreTokenizer(stem=False)
    for text in texts:
        words = {w: i for i, w in enumerate(sorted(set(plain.tokenize(text))))}
        names = sorted(words, key=words.__getitem__)
        ids, _ = core.tokenize(text, words, False, words.__getitem__)
        assert [names[i] for i in array("i", ids)] == rs_tokenize(text, None), text
    added: list[str] = []
    ids, _ = core.tokenize("New words, new!", {"words": 0}, False,
                           lambda w: added.append(w) or 5)  # type: ignore[func-returns-value]
    assert list(array("i", ids)) == [5, 0, 5] and added == ["new", "new"]


def _fake_core(counts: Any) -> types.ModuleType:
    real = importlib.import_module(rouge_backend.CORE_MODULE)
    fake = types.ModuleType("fake_core")
    fake.counts = counts  # type: ignore[attr-defined]
    fake.tokenize = real.tokenize  # type: ignore[attr-defined]
    fake.score_pairs = real.score_pairs  # type: ignore[attr-defined]
    return fake


@pytest.mark.parametrize("problem", ["disagrees", "raises"])
def test_a_broken_or_disagreeing_core_warns_once_and_falls_back(
    fresh_backend: None, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    def wrong(*args: Any) -> tuple[int, ...]:
        if problem == "raises":
            raise OSError("undefined symbol: PyFoo")
        return (0,) * 40

    real_import = importlib.import_module
    monkeypatch.setattr(rouge_backend.importlib, "import_module",
                        lambda name: _fake_core(wrong) if name == rouge_backend.CORE_MODULE
                        else real_import(name))
    with pytest.warns(rouge_backend.BackendWarning) as caught:
        metric = RougeMetric()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "\n" not in message and "_rougecore" in message and "pure-Python" in message
    assert metric.backend == "python"
    pairs = xsum_pairs(20)
    result = score([p for p, _ in pairs], [[r] for _, r in pairs],
                   config=make_config(metrics=["rouge"], n_resamples=10))
    assert result.meta["versions"]["rouge-backend"] == "python"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # chosen once per process: no second warning
        RougeMetric()


def test_backend_is_recorded_not_signed_and_printed(
    fresh_backend: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = xsum_pairs(30)
    (tmp_path / "p.txt").write_text("".join(p + "\n" for p, _ in pairs), encoding="utf-8")
    (tmp_path / "r.txt").write_text("".join(r + "\n" for _, r in pairs), encoding="utf-8")
    results = {}
    for name in ("c", "python"):
        monkeypatch.setenv(rouge_backend.ENV, name)
        rouge_backend.reset()
        out = tmp_path / f"{name}.json"
        main(["score", "-r", str(tmp_path / "r.txt"), "-p", str(tmp_path / "p.txt"),
              "--out", str(out)])
        lines = capsys.readouterr().out.strip().splitlines()
        assert lines[-2] == f"scored by: rouge-backend {'c-1' if name == 'c' else 'python'}"
        assert lines[-1].startswith("signature: ")
        results[name] = json.loads(out.read_text(encoding="utf-8"))
    assert results["c"]["signature"] == results["python"]["signature"]
    assert results["c"]["examples"] == results["python"]["examples"]
    assert results["c"]["aggregates"] == results["python"]["aggregates"]
    assert results["c"]["meta"]["versions"]["rouge-backend"] == "c-1"


def test_prepared_texts_are_shared_across_calls_and_systems(
    fresh_backend: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = xsum_pairs(50)
    refs = [[r] for _, r in pairs]
    first = RougeMetric().score([p for p, _ in pairs], refs, [])

    def no_split(*args: Any, **kwargs: Any) -> list[str]:
        raise AssertionError("a text was split again")

    monkeypatch.setattr("benchmark.metrics.rouge_texts.split_sentences", no_split)
    # a second system's run reuses the references (and here the predictions too)
    again = RougeMetric().score([p for p, _ in pairs], refs, [])
    assert [o.scores for o in again] == [o.scores for o in first]


def test_jobs_give_the_same_result_as_one_process(fresh_backend: None) -> None:
    pairs = xsum_pairs(2100, seed=11)
    preds, refs = [p for p, _ in pairs], [[r] for _, r in pairs]
    one = score(preds, refs, config=make_config(metrics=["rouge"], n_resamples=50))
    clear_shared()
    two = score(preds, refs, config=make_config(metrics=["rouge"], n_resamples=50, jobs=2))
    assert two.examples == one.examples and two.aggregates == one.aggregates
    assert two.signature == one.signature


def test_score_command_starts_light(tmp_path: Path) -> None:
    """A short ``sumbench score`` never imports NLTK, SciPy or scikit-learn."""
    (tmp_path / "p.txt").write_text("The cat sat on the mat.\nA dog ran.\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("The cat was on the mat.\nThe dog ran away.\n",
                                    encoding="utf-8")
    code = (
        "import sys\nfrom benchmark.cli import main\n"
        f"main(['score', '-r', {str(tmp_path / 'r.txt')!r}, '-p', {str(tmp_path / 'p.txt')!r}])\n"
        "print('HEAVY', sorted(m for m in ('nltk', 'scipy', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out


@pytest.mark.parametrize("backend", ["auto", "python"])
def test_bench_smoke_has_no_mismatch(backend: str) -> None:
    """The bench in its correctness-only mode, with and without the C core."""
    env = {**os.environ, rouge_backend.ENV: backend, "SUMBENCH_SHARED": str(SHARED)}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "scoring_throughput.py"),
                           "--smoke"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| sumbench")]
    assert rows and all(line.split("|")[-3].strip() == "0" for line in rows)
    expect = "python" if backend == "python" else "c"
    assert all(line.split("|")[-2].strip() == expect for line in rows
               if "pure Python" not in line)
    assert "identical to rouge-score on all 300 pairs" in proc.stdout


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES)
def test_pretty_json_writes_what_json_dumps_writes(value: Any) -> None:
    from benchmark.files import pretty_json

    assert pretty_json(value) == json.dumps(value, sort_keys=True, ensure_ascii=False,
                                            indent=2) + "\n"


def test_pretty_json_of_a_real_result(fresh_backend: None) -> None:
    from benchmark.files import pretty_json

    pairs = xsum_pairs(200)
    result = score([p for p, _ in pairs], [[r] for _, r in pairs],
                   config=make_config(metrics=["rouge"], n_resamples=20))
    plain = result.model_dump(mode="json")
    assert pretty_json(result) == json.dumps(plain, sort_keys=True, ensure_ascii=False,
                                             indent=2) + "\n"


def test_audit_shortcuts_count_what_the_letter_loop_counts(seed_paths: list[Path]) -> None:
    from benchmark.metrics.audit import count_letters, token_audit
    from benchmark.metrics.tokenizers import get_tokenizer

    texts = {p.stem: p.read_text(encoding="utf-8") for p in seed_paths}
    texts.update({"mixed": "Ça coûte 5 € — Москва, ǅ ﬁ x²", "ascii": "Plain ASCII, 42 words."})
    for text in texts.values():
        assert count_letters(text) == sum(1 for ch in text if ch.isalpha())
    for profile in ("rouge-score", "unicode"):
        audit = token_audit(texts, profile)
        tok = get_tokenizer(profile, stem=False)
        for key, text in texts.items():
            letters = sum(1 for ch in text if ch.isalpha())
            kept = sum(1 for t in tok.tokenize(text) for ch in t if ch.isalpha())
            assert audit.per_example[key] == (max(letters - kept, 0) / letters if letters else 0.0)
