"""ROUGE metric: equality with rouge-score, Lsum splitting, profiles, multi-reference."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.errors import ConfigError, InputError
from benchmark.metrics.base import available_metrics
from benchmark.metrics.rouge import RougeMetric, lcs_indices, lcs_length
from benchmark.sentences import SPLITTER_NAME, split_sentences

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
RUSSIAN = (
    "Президент Беларуси Александр Лукашенко встретился с вице-премьером России Дмитрием Рогозиным."
)


@pytest.fixture(scope="module")
def scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(TYPES, use_stemmer=True)


@pytest.fixture(scope="module")
def seed_sentences(seed_paths: list[Path]) -> list[str]:
    return [s for p in seed_paths for s in split_sentences(p.read_text(encoding="utf-8"))]


def expected(scorer: Any, prediction: str, reference: str) -> dict[str, float]:
    """rouge-score's numbers: N and L on the raw texts, Lsum on our sentences joined by \\n."""
    raw = scorer.score(reference, prediction)
    lsum = scorer.score("\n".join(split_sentences(reference)),
                        "\n".join(split_sentences(prediction)))["rougeLsum"]
    out = {}
    for t in TYPES:
        s = lsum if t == "rougeLsum" else raw[t]
        out.update({f"{t}_p": s.precision, f"{t}_r": s.recall, f"{t}_f": s.fmeasure})
    return out


def test_equal_to_rouge_score_on_seeds(scorer: Any, seed_paths: list[Path],
                                       seed_sentences: list[str]) -> None:
    rng = random.Random(12345)
    preds, refs = [], []
    articles = [p.read_text(encoding="utf-8") for p in seed_paths]
    for a, b in itertools.permutations(articles, 2):  # whole articles against each other
        preds.append(a)
        refs.append(b)
    for _ in range(120):  # lead-like summaries against reference-like sentence bundles
        preds.append(" ".join(rng.sample(seed_sentences, rng.randint(1, 4))))
        refs.append(" ".join(rng.sample(seed_sentences, rng.randint(1, 3))))
    outs = RougeMetric().score(preds, [[r] for r in refs], [""] * len(preds))
    for p, r, out in zip(preds, refs, outs, strict=True):
        assert out.scores == expected(scorer, p, r)


WORDS = st.sampled_from(
    ["the", "The", "president", "presidents", "met", "meeting", "Minsk", "army", "of",
     "a", "common", "Russia", "defence", "2012", "U.S.", "co-operation", "said", "is",
     "running", "runs", "Лукашенко", "está"]
)
ENDS = st.sampled_from([". ", "! ", "? ", ", ", " ", "\n", ".\n", " -- "])
TEXT = st.lists(st.tuples(WORDS, ENDS), max_size=40).map(
    lambda parts: "".join(w + e for w, e in parts)
)


@settings(max_examples=150, deadline=None)
@given(prediction=TEXT, reference=TEXT)
def test_equal_to_rouge_score_on_generated_text(scorer: Any, prediction: str,
                                                reference: str) -> None:
    out = RougeMetric().score([prediction], [[reference]], [""])[0]
    exp = expected(scorer, prediction, reference)
    if not prediction.strip():
        assert "empty-prediction" in out.flags
        assert all(v == 0 for v in out.scores.values())
        assert all(v == 0 for v in exp.values())
    assert out.scores == exp


TOKS = st.lists(st.sampled_from("abcde"), max_size=25)


@settings(max_examples=300, deadline=None)
@given(ref=TOKS, can=TOKS)
def test_lcs_helpers_equal_rouge_score_dp_and_backtrack(ref: list[str], can: list[str]) -> None:
    from rouge_score.rouge_scorer import _lcs_table, lcs_ind

    table = _lcs_table(ref, can)
    assert lcs_length(ref, can) == table[-1][-1]
    masks: dict[str, int] = {}
    for i, tok in enumerate(ref):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    assert lcs_indices(ref, can, masks) == lcs_ind(ref, can)


def test_lsum_differs_from_l_without_newlines(scorer: Any, seed_paths: list[Path]) -> None:
    text = seed_paths[1].read_text(encoding="utf-8")
    reference = " ".join(split_sentences(text)[:4])
    prediction = " ".join(reversed(split_sentences(text)[:4]))
    assert "\n" not in reference and "\n" not in prediction
    out = RougeMetric().score([prediction], [[reference]], [""])[0].scores
    assert out["rougeLsum_f"] > out["rougeL_f"] + 0.1
    # rouge-score itself cannot see these sentences: its Lsum collapses to L.
    raw = scorer.score(reference, prediction)
    assert raw["rougeLsum"].fmeasure == raw["rougeL"].fmeasure == out["rougeL_f"]


def test_unicode_profile_scores_identical_non_english_text_one() -> None:
    greek = "Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο."
    hindi = "प्रधानमंत्री ने राष्ट्रपति से मुलाकात की।"
    chinese = "总统今天会见了副总理。双方讨论了合作。"
    uni = RougeMetric(tokenizer="unicode", language="ru")
    for text in (RUSSIAN, greek, hindi, chinese):
        scores = uni.score([text], [[text]], [""])[0].scores
        assert set(scores.values()) == {1.0}, text
    default = RougeMetric().score([RUSSIAN], [[RUSSIAN]], [""])[0]
    assert set(default.scores.values()) == {0.0}
    assert default.flags == ["no-tokens"]
    # Different inflections of the same Russian words match only with the Snowball stemmer.
    inflected = "Президента Беларуси Александра Лукашенко встретили"
    stemmed = uni.score([inflected], [[RUSSIAN]], [""])[0].scores["rouge1_r"]
    plain = RougeMetric(tokenizer="unicode", language="ru", stem=False)
    assert stemmed > plain.score([inflected], [[RUSSIAN]], [""])[0].scores["rouge1_r"]


def test_signature_records_types_tokenizer_stemmer_language_and_multiref() -> None:
    assert RougeMetric().signature() == (
        f"rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|split:{SPLITTER_NAME}|multiref:max"
    )
    sig = RougeMetric(types=("1", "rougeL"), tokenizer="unicode", language="ru",
                      multiref="jackknife").signature()
    assert sig == "rouge:1,L|tok:unicode|stem:snowball-russian|lang:ru|multiref:jackknife"
    assert "stem:none" in RougeMetric(stem=False).signature()
    assert available_metrics()["rouge"] is RougeMetric


def test_bad_settings_and_inputs_are_refused() -> None:
    with pytest.raises(ConfigError, match="unknown ROUGE type 'rouge-w'"):
        RougeMetric(types=("rouge-w",))
    with pytest.raises(ConfigError, match="multi-reference mode 'best'"):
        RougeMetric(multiref="best")  # type: ignore[arg-type]
    metric = RougeMetric()
    with pytest.raises(InputError, match="example 2 has no reference"):  # numbered from 1
        metric.score(["a b", "c d"], [["a b"], []], ["", ""])
    with pytest.raises(InputError, match="list of strings"):
        metric.score(["a b"], ["a b"], [""])
    with pytest.raises(InputError, match="2 predictions but 1 reference lists"):
        metric.score(["a", "b"], [["a"]], [])


def test_empty_prediction_scores_zero_and_is_flagged() -> None:
    out = RougeMetric().score(["  \n "], [["The president met the premier.", ""]], [""])[0]
    assert out.flags == ["empty-prediction", "empty-reference"]
    assert set(out.scores.values()) == {0.0}
    assert out.per_reference["rouge1_f"] == [0.0, 0.0]


REFS = [
    "The president met the vice premier in Minsk on Monday.",
    "Belarus and Russia discussed defence cooperation.",
    "Lukashenko met Rogozin to talk about the defence industry of Belarus and Russia.",
]
PRED = "Lukashenko met the Russian vice premier in Minsk to discuss defence cooperation."


def test_multiref_max_equals_score_multi_and_keeps_per_reference(scorer: Any) -> None:
    out = RougeMetric(multiref="max").score([PRED], [REFS], [""])[0]
    best = scorer.score_multi(REFS, PRED)
    for t in ("rouge1", "rouge2", "rougeL"):
        assert out.scores[f"{t}_f"] == best[t].fmeasure
        assert out.scores[f"{t}_p"] == best[t].precision
        assert out.per_reference[f"{t}_f"] == [scorer.score(r, PRED)[t].fmeasure for r in REFS]


def test_multiref_mean_pooled_jackknife(scorer: Any) -> None:
    per = [scorer.score(r, PRED) for r in REFS]
    mean = RougeMetric(multiref="mean").score([PRED], [REFS], [""])[0].scores
    assert mean["rouge2_r"] == pytest.approx(sum(s["rouge2"].recall for s in per) / 3)
    assert mean["rougeL_f"] == pytest.approx(sum(s["rougeL"].fmeasure for s in per) / 3)

    # pooled (ROUGE-1.5.5 -f A): recall = sum hits / sum reference unigrams,
    # precision = sum hits / (3 x prediction unigrams).
    from rouge_score.tokenizers import DefaultTokenizer

    tok = DefaultTokenizer(use_stemmer=True)
    pred_tokens = tok.tokenize(PRED)
    ref_lens = [len(tok.tokenize(r)) for r in REFS]
    hits = [round(s["rouge1"].recall * n) for s, n in zip(per, ref_lens, strict=True)]
    pooled = RougeMetric(multiref="pooled").score([PRED], [REFS], [""])[0].scores
    assert pooled["rouge1_r"] == pytest.approx(sum(hits) / sum(ref_lens))
    assert pooled["rouge1_p"] == pytest.approx(sum(hits) / (3 * len(pred_tokens)))
    assert pooled["rouge1_r"] != mean["rouge1_r"]

    # jackknife: best reference within each leave-one-out pair, averaged over the 3 pairs
    jack = RougeMetric(multiref="jackknife").score([PRED], [REFS], [""])[0].scores
    for t in ("rouge1", "rouge2", "rougeL"):
        subsets = [scorer.score_multi(list(pair), PRED)[t].fmeasure
                   for pair in itertools.combinations(REFS, 2)]
        assert jack[f"{t}_f"] == pytest.approx(sum(subsets) / 3)


def test_every_mode_equals_plain_score_with_one_reference(scorer: Any) -> None:
    plain = RougeMetric().score([PRED], [[REFS[0]]], [""])[0].scores
    for mode in ("mean", "pooled", "jackknife"):
        got = RougeMetric(multiref=mode).score([PRED], [[REFS[0]]], [""])[0].scores
        assert got == plain, mode
    assert plain == expected(scorer, PRED, REFS[0])


SCRIPTS = st.text(
    st.sampled_from([*"Жжёйкλόςनमस्तेा中文かカاليةñéü .,!?\n", "।", "。"]), max_size=60
)


@settings(max_examples=100, deadline=None)
@given(text=SCRIPTS, language=st.sampled_from([None, "ru", "hi", "zh", "ar", "es"]))
def test_unicode_profile_scores_any_identical_text_one(text: str, language: str | None) -> None:
    metric = RougeMetric(tokenizer="unicode", language=language)
    out = metric.score([text], [[text]], [""])[0]
    tokens = metric.tokenizer.tokenize(text)
    if len(tokens) >= 2:
        assert set(out.scores.values()) == {1.0}
    elif tokens:  # one token has no bigram, in rouge-score as here
        below_one = {k for k, v in out.scores.items() if v != 1.0}
        assert below_one == {"rouge2_p", "rouge2_r", "rouge2_f"}
    else:  # nothing but punctuation and spaces: nothing to match
        assert set(out.scores.values()) == {0.0} and out.flags
